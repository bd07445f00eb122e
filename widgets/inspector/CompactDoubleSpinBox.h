#pragma once

#include <QDoubleSpinBox>
#include <QLocale>

namespace widgets {

/// A QDoubleSpinBox that shows "0.01" rather than "0.010000": hyper-parameters need many
/// decimals for small values, and the padding zeros make the big ones hard to read.
class CompactDoubleSpinBox : public QDoubleSpinBox {
public:
    using QDoubleSpinBox::QDoubleSpinBox;

    QString textFromValue(double value) const override
    {
        QString text = locale().toString(value, 'f', decimals());
        const QChar point = locale().decimalPoint().front();
        if (text.contains(point)) {
            while (text.endsWith(QLatin1Char('0')))
                text.chop(1);
            if (text.endsWith(point))
                text.append(QLatin1Char('0'));
        }
        if (!locale().numberOptions().testFlag(QLocale::OmitGroupSeparator))
            text.remove(locale().groupSeparator());
        return text;
    }
};

} // namespace widgets
