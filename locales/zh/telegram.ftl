# Telegram 传输层的消息。
tg-internal-error = amity 在回答时内部出错。如果那是一条记录命令，请先用 /历史 或列表核对，再决定是否重发；如反复出现，请告知管理员。
tg-button-expired = 这个按钮已过期。请重新发送命令。
