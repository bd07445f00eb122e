#pragma once

#include <QStringList>
#include <QWidget>

#include <vector>

namespace widgets {

/// A small horizontal bar chart: one bar per class with its name and count.
class ClassCountsView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kRowHeight = 16;

    explicit ClassCountsView(QWidget* parent = nullptr);

    /// names may be shorter than counts (missing names show "class i").
    void setCounts(const std::vector<long>& counts, const QStringList& names);
    const std::vector<long>& counts() const { return m_counts; }
    QString className(int i) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::vector<long> m_counts;
    QStringList m_names;
};

} // namespace widgets
