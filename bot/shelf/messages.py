"""What users read about choosing a document: /doc, its buttons, and the name an answer carries."""

# Put before an answer's headline when several documents are stored, so every answer says where it is from.
ANSWER_FROM = "【{label}】"
DOC_LIST = "本聊天按《{label}》回答。已存的文件（选一个，本聊天今后按它回答）："
DOC_CURRENT = "本聊天按《{label}》回答。"
DOC_ONLY_ONE = "只存有一份文件：《{label}》，本聊天按它回答。"
DOC_CHOSEN = "好的，本聊天今后按《{label}》回答。"
DOC_BUTTON = "{label}"
DOC_BUTTON_CURRENT = "✓ {label}"
DOC_GONE = "这份文件已不在库中，请重新发送 /doc 选择。"
DOC_ADMINS_ONLY = "群里只有管理员可以更换本群的文件。"
CMD_DOC = "选择按哪份文件回答"
