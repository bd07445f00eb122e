#pragma once

#include "data/DatasetLoader.h"

#include <QTableWidget>

namespace widgets {

/// The vocabulary of a token dataset (Dataset::vocabulary, e.g. the "char_text" generator): one
/// row per token id with its text (white space made visible), how often it occurs in the input
/// windows and how often it is the target, over every part of the data. Empty for datasets
/// without a vocabulary.
class VocabularyTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column { IdColumn, TokenColumn, InputCountColumn, TargetCountColumn };

    explicit VocabularyTable(QWidget* parent = nullptr);
    void setData(const SharedSourceData& data);
    /// The token as shown: " " as "␣", "\n" as "⏎", "\t" as "⇥".
    static QString visibleToken(const std::string& token);
};

} // namespace widgets
