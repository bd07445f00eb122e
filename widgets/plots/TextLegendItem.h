#pragma once

#include <qcustomplot.h>

#include <QFontMetrics>
#include <QString>

namespace widgets {

/// A line of text among the legend's entries ("+ 3 older runs"), in the legend's font.
class TextLegendItem : public QCPAbstractLegendItem {
public:
    TextLegendItem(QCPLegend* legend, const QString& text)
        : QCPAbstractLegendItem(legend)
    {
        setText(text);
    }
    void setText(const QString& text)
    {
        m_text = text;
        setProperty("text", text); // read by tests, which cannot see this class
    }

protected:
    void draw(QCPPainter* painter) override
    {
        painter->setFont(mFont);
        painter->setPen(QPen(mTextColor));
        painter->drawText(mRect, Qt::AlignLeft | Qt::AlignVCenter, m_text);
    }
    QSize minimumOuterSizeHint() const override
    {
        const QFontMetrics metrics(mFont);
        return QSize(metrics.horizontalAdvance(m_text), metrics.height())
            + QSize(mMargins.left() + mMargins.right(), mMargins.top() + mMargins.bottom());
    }

private:
    QString m_text;
};

} // namespace widgets
