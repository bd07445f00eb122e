#pragma once

#include <QLabel>

namespace widgets {

/// A word-wrapped label for a QFormLayout row, as tall as its text needs at the width the form
/// gives it.
///
/// QFormLayout (Qt 6.4) caches the heights of its height-for-width rows per width, and other
/// size queries (its group box's size hint) refill that cache without forgetting which width it
/// was for: a later relayout of the group box at the same width lays the rows out with heights
/// for another, wider width, and a wrapped label gets fewer lines than it needs and is painted
/// over the next row. This label is no height-for-width item for the layout: its size hints
/// carry the height for its current width, and a new width asks for another layout pass.
class FormTextLabel : public QLabel {
public:
    explicit FormTextLabel(QWidget* parent = nullptr);

    bool hasHeightForWidth() const override { return false; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    /// heightForWidth() at the width the layout gave it (before any: its preferred width).
    int neededHeight() const;
};

} // namespace widgets
