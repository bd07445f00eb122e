#pragma once

#include <QLayout>

#include <vector>

namespace widgets {

/// Lays its items out left to right at their size hints and starts a new line where the next
/// one would not fit, like words in a paragraph. A row of controls in one flow needs the width
/// of its widest item only, so it never forces its dock (and the window) wider when the font
/// grows (View > Presentation Mode); it takes more lines instead.
///
/// sizeHint() is everything on one line; minimumSize() is the widest item, as high as the lines
/// at that width need, so a parent that knows only minimum sizes (QMainWindow's docks) still
/// reserves the height of the narrowest arrangement. Put groups that must stay together (a
/// label and its editor) into one widget. Hidden widgets take no room. An item aligned
/// Qt::AlignRight (addWidget(w, 0, Qt::AlignRight)) goes, with the rest of its line, to the right
/// edge: what a stretch before it would do in a QHBoxLayout.
class FlowLayout : public QLayout {
public:
    /// `spacing` between items on a line and between lines; -1 takes the style's.
    explicit FlowLayout(QWidget* parent = nullptr, int spacing = -1);
    ~FlowLayout() override;

    void addItem(QLayoutItem* item) override;
    int count() const override;
    QLayoutItem* itemAt(int index) const override;
    QLayoutItem* takeAt(int index) override;

    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSize() const override;
    void setGeometry(const QRect& rect) override;

private:
    /// Places the items in `rect` (only when `apply`) and returns the height they take.
    int arrange(const QRect& rect, bool apply) const;
    int gap() const;

    std::vector<QLayoutItem*> m_items;
};

} // namespace widgets
