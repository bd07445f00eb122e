#include "inspector/BlockPage.h"

#include "document/GroupCommands.h"
#include "document/GroupSummary.h"
#include "inspector/LinkList.h"
#include "training/ResourceEstimate.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QUndoStack>
#include <QVBoxLayout>

namespace widgets {

BlockPage::BlockPage(GraphDocument* document, QUndoStack* stack, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , m_stack(stack)
    , m_name(new QLineEdit)
    , m_summary(new QLabel)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* title = new QLabel(tr("Block of layers"));
    QFont titleFont = title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    title->setFont(titleFont);
    layout->addWidget(title);

    auto* infoBox = new QGroupBox(tr("Summary"));
    auto* info = new QFormLayout(infoBox);
    info->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    info->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_name->setToolTip(tr("The name on the block's card (F2 on the canvas renames it too)"));
    info->addRow(tr("Name:"), m_name);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    info->addRow(tr("Holds:"), m_summary);
    layout->addWidget(infoBox);

    auto* membersBox = new QGroupBox(tr("Layers"));
    m_memberLayout = new QVBoxLayout(membersBox);
    m_memberLayout->setContentsMargins(6, 4, 6, 4);
    m_memberLayout->setSpacing(1);
    layout->addWidget(membersBox);
    layout->addStretch(1);

    connect(m_name, &QLineEdit::editingFinished, this, &BlockPage::commitName);
    connect(m_doc, &GraphDocument::groupsChanged, this, &BlockPage::refresh);
    connect(m_doc, &GraphDocument::validationChanged, this, &BlockPage::refresh);
    connect(m_doc, &GraphDocument::reset, this, [this] {
        m_group = -1;
        emit groupGone();
    });
}

void BlockPage::showGroup(GroupId id)
{
    m_group = id;
    if (id < 0) // left: no rebuilding on every edit while another page is shown
        clearLinkList(m_memberLayout);
    refresh();
}

void BlockPage::refresh()
{
    if (m_group < 0)
        return;
    const engine::NodeGroup* group = m_doc->group(m_group);
    if (!group) {
        m_group = -1;
        emit groupGone();
        return;
    }
    const QString name = QString::fromStdString(group->name);
    if (m_name->text() != name)
        m_name->setText(name);
    const GroupSummary s = summarizeGroup(*m_doc, m_group);
    const QString unknown = QStringLiteral("?");
    const QString layers = s.members == 1 ? tr("1 layer") : tr("%1 layers").arg(s.members);
    m_summary->setText(
        tr("%1, %2 parameters, %3 per sample\nin %4 \u2192 out %5")
            .arg(layers, QLocale(QLocale::English).toString(static_cast<qlonglong>(s.params)),
                QString::fromStdString(engine::formatFlops(s.forwardFlops)),
                s.inputShapes.isEmpty() ? unknown : s.inputShapes.join(QStringLiteral(", ")),
                s.outputShapes.isEmpty() ? unknown : s.outputShapes.join(QStringLiteral(", "))));
    rebuildMembers();
}

void BlockPage::rebuildMembers()
{
    // Rebuilt from scratch, like ConnectionsBox: a click may be what changed the document.
    clearLinkList(m_memberLayout);
    m_members.clear();
    const engine::NodeGroup* group = m_doc->group(m_group);
    if (!group)
        return;
    for (const NodeId id : group->members) {
        auto* button
            = makeLinkButton(QStringLiteral("%1 (%2)").arg(m_doc->nodeName(id), m_doc->summary(id)),
                tr("Expand the block and select %1").arg(m_doc->nodeName(id)));
        connect(button, &QPushButton::clicked, this, [this, id] { emit nodeActivated(id); });
        m_memberLayout->addWidget(button);
        m_members.push_back(button);
    }
}

void BlockPage::commitName()
{
    const engine::NodeGroup* group = m_doc->group(m_group);
    if (!group)
        return;
    const QString trimmed = m_name->text().trimmed();
    if (trimmed.isEmpty()) {
        m_name->setText(QString::fromStdString(group->name)); // a block keeps a name
        return;
    }
    if (trimmed.toStdString() != group->name)
        m_stack->push(new RenameGroupCommand(m_doc, m_group, trimmed));
}

} // namespace widgets
