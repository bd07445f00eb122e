#pragma once
// The inspector's lists of layers to jump to (a node's connections, a block's layers).

#include <QString>

class QPushButton;
class QVBoxLayout;

namespace widgets {

/// Takes every item out of `layout`, its widgets hidden and deleted later: the list may be
/// rebuilt from inside one of its own buttons' clicked().
void clearLinkList(QVBoxLayout* layout);

/// A flat, link-coloured, left-aligned button as wide as the list, naming a layer.
QPushButton* makeLinkButton(const QString& text, const QString& toolTip);

} // namespace widgets
