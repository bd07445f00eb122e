#include "plots/ExportableView.h"

namespace widgets {

QString ExportableView::csvField(QString text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"'))
        && !text.contains(QLatin1Char('\n')))
        return text;
    text.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + text + QLatin1Char('"');
}

QString ExportableView::csvNumber(double value)
{
    return QString::number(value, 'g', 8);
}

} // namespace widgets
