#pragma once

#include "sweep/Sweep.h"

#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;

namespace engine {
struct Project;
}

namespace widgets {

/// One swept setting of the Sweep dialog: which setting (a training setting, or an attribute of
/// a node of the project, such as a Dense layer's units) and its values, as a list
/// ("0.001, 0.01, 0.1") or a log range ("1e-4..1e-1:log4"), with the values it stands for or what
/// is wrong shown below as the user types.
class SweepAxisEditor : public QWidget {
    Q_OBJECT
public:
    /// `optional`: the first entry is "(none)", so the row may sweep nothing.
    explicit SweepAxisEditor(bool optional, QWidget* parent = nullptr);
    ~SweepAxisEditor() override;

    /// Offers the training settings and the sweepable attributes of `project`'s nodes, keeping
    /// the chosen key when it is still offered.
    void setProject(const engine::Project& project);
    /// Chooses `key` (when offered) and sets the values text.
    void setAxis(const QString& key, const QString& values);

    /// The parsed axis, every value checked against the project (a layer's units must be a
    /// positive integer); nullopt when the row sweeps nothing or its text is wrong (error()).
    std::optional<engine::SweepAxis> axis() const;
    /// What is wrong with the text, "" when nothing is.
    QString error() const;
    bool isNone() const;

    QComboBox* keyBox() const { return m_key; }
    QLineEdit* valuesEdit() const { return m_values; }

signals:
    void changed();

private:
    void updateHint();

    /// Checks every value of `axis` on m_project; throws InputError naming the value.
    void checkValues(const engine::SweepAxis& axis) const;

    bool m_optional;
    /// The nodes and training settings of the project values are checked against (no weights:
    /// a copy for each change of the document must stay cheap).
    std::unique_ptr<engine::Project> m_project;
    QComboBox* m_key;
    QLineEdit* m_values;
    QLabel* m_hint;
};

} // namespace widgets
