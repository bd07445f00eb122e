#pragma once

#include "document/GraphDocument.h"

#include <QFrame>

#include <vector>

class QLabel;
class QLineEdit;

namespace widgets {

class CanvasView;

/// Ctrl+F on the canvas: a small bar over the view's top-right corner that finds layers whose
/// name or type contains the text (case-insensitive). Every match gets an amber ring; Enter
/// goes to the next one (Shift+Enter the previous), selecting it and centring it in the view;
/// Esc closes the bar and clears the rings. Matches are ordered left to right, then top to
/// bottom, the way the network reads, and follow the document while the bar is open.
class FindBar : public QFrame {
    Q_OBJECT
public:
    /// A child of `view` (which owns it), hidden until open().
    explicit FindBar(CanvasView* view);

    QLineEdit* lineEdit() const { return m_edit; }
    const std::vector<NodeId>& matches() const { return m_matches; }
    /// The match last gone to, -1 before Enter or without matches.
    NodeId current() const { return m_current < 0 ? -1 : m_matches[size_t(m_current)]; }
    /// "2 of 5", "5 matches", "no match", "" for an empty text.
    QString countText() const;

public slots:
    /// Shows the bar, focuses its text (selected) and highlights its matches.
    void open();
    /// Hides the bar, clears the highlights and gives the focus back to the canvas.
    void dismiss();
    void findNext();
    void findPrevious();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void updateMatches();
    void setHighlights(bool on);
    void go(int step);
    void place();

    CanvasView* m_view;
    QLineEdit* m_edit;
    QLabel* m_count;
    std::vector<NodeId> m_matches;
    int m_current = -1;
};

} // namespace widgets
