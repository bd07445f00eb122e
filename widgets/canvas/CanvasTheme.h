#pragma once

#include <QColor>

namespace widgets {

/// The colours the canvas paints with (background, cards, edges, shape labels), light or dark.
/// Layer category colours (card headers) and state colours (selection blue, error red, find
/// amber) are the same in both: they are chosen to read on either background.
struct CanvasTheme {
    bool isDark = false;
    QColor background;
    QColor dot; ///< minor grid dots
    QColor majorDot;
    QColor card; ///< card body
    QColor cardBorder;
    QColor shadow;
    QColor text; ///< summary line
    QColor detail; ///< shape, parameters, costs
    QColor separator; ///< the line above a thumbnail
    QColor edge;
    QColor edgeHover;
    QColor labelFill; ///< tensor shape labels on edges
    QColor labelBorder;
    QColor labelText;
    QColor port; ///< port circle fill (the ring is `detail`)
    QColor groupFill; ///< inside an expanded group's frame (translucent)
    QColor groupBorder; ///< an expanded group's frame
    QColor groupHeader; ///< a group's header band (white text on it)

    static CanvasTheme light();
    static CanvasTheme dark();
    /// WCAG contrast ratio of two colours (1 to 21): text wants at least 4.5.
    static double contrast(const QColor& a, const QColor& b);
};

} // namespace widgets
