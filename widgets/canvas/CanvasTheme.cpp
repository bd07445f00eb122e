#include "canvas/CanvasTheme.h"

#include <algorithm>
#include <cmath>

namespace widgets {

CanvasTheme CanvasTheme::light()
{
    CanvasTheme t;
    t.isDark = false;
    t.background = QColor(0xf6, 0xf7, 0xf9);
    t.dot = QColor(0xc9, 0xce, 0xd6);
    t.majorDot = QColor(0xa9, 0xb0, 0xba);
    t.card = QColor(0xff, 0xff, 0xff);
    t.cardBorder = QColor(0xc8, 0xcd, 0xd3);
    t.shadow = QColor(0, 0, 0, 28);
    t.text = QColor(0x22, 0x26, 0x2b);
    t.detail = QColor(0x5f, 0x66, 0x6d);
    t.separator = QColor(0xe3, 0xe6, 0xea);
    t.edge = QColor(0x7a, 0x84, 0x8f);
    t.edgeHover = QColor(0x4a, 0x55, 0x60);
    t.labelFill = QColor(0xf6, 0xf7, 0xf9, 230);
    t.labelBorder = QColor(0xd5, 0xd9, 0xde);
    t.labelText = QColor(0x4a, 0x55, 0x60);
    t.port = QColor(0xff, 0xff, 0xff);
    t.groupFill = QColor(0x54, 0x6e, 0x7a, 20);
    t.groupBorder = QColor(0x90, 0xa4, 0xae);
    t.groupHeader = QColor(0x54, 0x6e, 0x7a);
    return t;
}

CanvasTheme CanvasTheme::dark()
{
    CanvasTheme t;
    t.isDark = true;
    t.background = QColor(0x1e, 0x21, 0x25);
    t.dot = QColor(0x34, 0x39, 0x40);
    t.majorDot = QColor(0x4a, 0x51, 0x5a);
    t.card = QColor(0x2b, 0x2f, 0x35);
    t.cardBorder = QColor(0x4a, 0x51, 0x5a);
    t.shadow = QColor(0, 0, 0, 90);
    t.text = QColor(0xe8, 0xea, 0xed);
    t.detail = QColor(0xa9, 0xb0, 0xba);
    t.separator = QColor(0x40, 0x46, 0x4e);
    t.edge = QColor(0x8d, 0x96, 0xa0);
    t.edgeHover = QColor(0xc4, 0xca, 0xd1);
    t.labelFill = QColor(0x2b, 0x2f, 0x35, 235);
    t.labelBorder = QColor(0x4a, 0x51, 0x5a);
    t.labelText = QColor(0xe0, 0xe4, 0xe8);
    t.port = QColor(0x2b, 0x2f, 0x35);
    t.groupFill = QColor(0x90, 0xa4, 0xae, 26);
    t.groupBorder = QColor(0x60, 0x7d, 0x8b);
    t.groupHeader = QColor(0x45, 0x5a, 0x64);
    return t;
}

double CanvasTheme::contrast(const QColor& a, const QColor& b)
{
    // Relative luminance of sRGB (WCAG 2.x).
    const auto luminance = [](const QColor& c) {
        const auto channel = [](double v) {
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF())
            + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace widgets
