#include "canvas/LayerCommand.h"

#include "graph/Layer.h"
#include "layers/LayerRegistry.h"

#include <QObject>
#include <QRegularExpression>
#include <QStringList>

#include <map>
#include <set>

namespace widgets {

namespace {

using engine::AttributeSpec;

QString normalized(QString s)
{
    return s.toLower().remove(QLatin1Char(' ')).remove(QLatin1Char('-')).remove(QLatin1Char('_'));
}

/// The palette entry the first word names, or null.
const engine::LayerInfo* entryFor(const QString& word)
{
    static const std::map<QString, QString> aliases = {{"conv", "Conv2D"}, {"fc", "Dense"},
        {"linear", "Dense"}, {"pool", "MaxPool2D"}, {"maxpool", "MaxPool2D"},
        {"avgpool", "AveragePool2D"}, {"averagepool", "AveragePool2D"}, {"bn", "BatchNorm"},
        {"gap", "GlobalAveragePool2D"}, {"rnn", "SimpleRNN"}};
    const QString w = normalized(word);
    const auto& entries = engine::LayerRegistry::entries();
    // A palette label first ("relu" is the ReLU activation preset), then the type.
    for (const auto& e : entries)
        if (normalized(QString::fromStdString(e.label)) == w)
            return &e;
    QString type;
    if (const auto alias = aliases.find(w); alias != aliases.end())
        type = alias->second;
    for (const auto& e : entries) {
        const QString t = QString::fromStdString(e.type);
        if ((!type.isEmpty() && t == type) || (type.isEmpty() && normalized(t) == w))
            return &e;
    }
    return nullptr;
}

bool isInteger(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("^\\d+$"));
    return re.match(s).hasMatch();
}

bool isReal(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("^\\d*\\.\\d+$|^\\d+\\.\\d*$"));
    return re.match(s).hasMatch();
}

/// A JSON value for `spec` from a word, or null when the word does not fit.
nlohmann::json valueFor(const AttributeSpec& spec, const QString& word)
{
    const QString w = word.toLower();
    switch (spec.kind) {
    case AttributeSpec::Kind::Int:
        return isInteger(w) ? nlohmann::json(w.toLongLong()) : nlohmann::json();
    case AttributeSpec::Kind::Float:
        return isInteger(w) || isReal(w) ? nlohmann::json(w.toDouble()) : nlohmann::json();
    case AttributeSpec::Kind::Bool:
        if (w == "true" || w == "yes" || w == "1" || w == "on")
            return true;
        if (w == "false" || w == "no" || w == "0" || w == "off")
            return false;
        return {};
    case AttributeSpec::Kind::Choice:
    case AttributeSpec::Kind::IntList:
        for (const std::string& c : spec.choices)
            if (QString::fromStdString(c) == w)
                return c;
        if (spec.kind == AttributeSpec::Kind::IntList && isInteger(w))
            return w.toLongLong();
        return {};
    case AttributeSpec::Kind::Shape:
        return {};
    }
    return {};
}

} // namespace

LayerCommand parseLayerCommand(const QString& text)
{
    LayerCommand cmd;
    QStringList words = text.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words.isEmpty())
        return cmd;
    const engine::LayerInfo* entry = entryFor(words.takeFirst());
    if (!entry)
        return cmd;
    cmd.type = QString::fromStdString(entry->type);
    cmd.attributes = nlohmann::json::parse(entry->attributes, nullptr, false);
    if (!cmd.attributes.is_object())
        cmd.attributes = nlohmann::json::object();
    auto layer = engine::LayerRegistry::create(entry->type);
    const std::vector<AttributeSpec> specs = layer->attributeSpecs();
    const auto specNamed = [&](const QString& name) -> const AttributeSpec* {
        for (const auto& s : specs)
            if (normalized(QString::fromStdString(s.name)) == normalized(name))
                return &s;
        return nullptr;
    };
    std::set<std::string> given;
    const auto set = [&](const AttributeSpec& s, nlohmann::json v) {
        cmd.attributes[s.name] = std::move(v);
        given.insert(s.name);
    };
    static const QRegularExpression size2(QStringLiteral("^(\\d+)[x\u00d7*](\\d+)$"));
    for (int i = 0; i < words.size(); ++i) {
        const QString& word = words[i];
        // name=value, or name value
        const int eq = word.indexOf(QLatin1Char('='));
        const AttributeSpec* named = specNamed(eq > 0 ? word.left(eq) : word);
        if (named && (eq > 0 || i + 1 < words.size())) {
            const QString value = eq > 0 ? word.mid(eq + 1) : words[++i];
            nlohmann::json v = valueFor(*named, value);
            if (v.is_null()) {
                cmd.error = QObject::tr("“%1” is not a value of %2")
                                .arg(value, QString::fromStdString(named->name));
                return cmd;
            }
            set(*named, std::move(v));
            continue;
        }
        if (const auto m = size2.match(word); m.hasMatch()) {
            const AttributeSpec* size = specNamed(QStringLiteral("kernel"));
            if (!size)
                size = specNamed(QStringLiteral("pool"));
            if (size) {
                const long h = m.captured(1).toLong(), w = m.captured(2).toLong();
                set(*size, h == w ? nlohmann::json(h) : nlohmann::json::array({h, w}));
                continue;
            }
        }
        bool used = false;
        for (const auto& s : specs) {
            if (given.count(s.name))
                continue;
            // Whole numbers fill the integer settings in their order: filters, then kernel.
            const bool fits = (isInteger(word)
                                  && (s.kind == AttributeSpec::Kind::Int
                                      || s.kind == AttributeSpec::Kind::IntList))
                || (isReal(word) && s.kind == AttributeSpec::Kind::Float)
                || ((s.kind == AttributeSpec::Kind::Choice
                        || s.kind == AttributeSpec::Kind::IntList)
                    && !isInteger(word) && !valueFor(s, word).is_null());
            if (fits) {
                set(s, valueFor(s, word));
                used = true;
                break;
            }
        }
        if (!used) {
            cmd.error = QObject::tr("“%1” means nothing to %2").arg(word, cmd.type);
            return cmd;
        }
    }
    try {
        layer->setAttributes(cmd.attributes);
        cmd.summary = QString::fromStdString(layer->summary());
    } catch (const std::exception& e) {
        cmd.error = QString::fromStdString(e.what());
    }
    return cmd;
}

} // namespace widgets
