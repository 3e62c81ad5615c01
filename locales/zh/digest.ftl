# 定时摘要（src/digest/、src/commands/digest.rs）。

help-digest = 摘要 —— /摘要 列出全部，/摘要 预览 weekly 显示现在会发送的内容，/摘要 发送 weekly 立即发送
usage-digest = 格式：/摘要 · /摘要 预览 [名称] · /摘要 发送 名称
digest-usage = 格式：/摘要 · /摘要 预览 [名称] · /摘要 发送 名称。例如：/摘要 预览 weekly

digest-title = { $office } · 摘要“{ $name }” · { $period }
digest-nothing-new = { $period }没有新的记录。
digest-change = 上一期（{ $n_days } 天）：{ $prev_count } 笔捐赠，{ $prev_money }。变化：捐赠 { $count_delta } 笔，金额 { $money_delta }。
digest-more = ……另有 { $count } 条。
digest-late-title = 补录（{ $count } 条记录的日期早于本期）
digest-running-title = 累计（截至 { $date }）
digest-running-donations = 共 { $count } 笔捐赠：{ $money }。
digest-running-other = 信函：发出 { $n_sent } 封，收到 { $n_received } 封 · 活动：{ $n_events } 场 · 接待：{ $n_receptions } 次。
digest-audience-public = 仅含公开记录。
digest-audience-staff = 含内部记录：仅供工作人员。

chart-by-country = 各国捐赠价值，{ $period }（人民币）
chart-cumulative = 捐赠累计价值（人民币）
chart-no-values = 本期没有估值的捐赠。
chart-others = 其他 { $count } 个国家

digest-list-title = 摘要
digest-list-entry = { $name } → { $target } · { $schedule }（{ $tz }）· 下次：{ $next }
digest-list-last = 上次：{ $period }（{ $state }）
digest-state-pending = 等待发送
digest-state-sending = 正在发送
digest-state-sent = 已发送
digest-state-failed = 发送失败
digest-state-skipped = 已跳过：无新内容
digest-none-configured = 尚未配置摘要。请在配置文件中添加 [[digest]] 表（见 config.example.toml）。
digest-which = 哪一个摘要？{ $names }。例如：/摘要 预览 weekly
digest-unknown = 没有名为“{ $name }”的摘要。已配置：{ $names }。
digest-preview-note = 摘要“{ $name }”发往 { $target } 的预览，即现在发送的内容（不会发送，也不记录）：
digest-preview-would-skip = 没有新内容：此摘要设置为跳过这样的时段，因此不会发送。
digest-preview-covered = 摘要“{ $name }”{ $period }已在发件箱中（{ $state }），没有更新的内容可发送。
digest-send-queued = 已排队：摘要“{ $name }”（{ $period }）发往 { $target }。运行中的机器人会在一分钟内发送，并像定时摘要一样记录。
digest-send-skipped = { $period }没有新内容：摘要“{ $name }”跳过这样的时段，已记录为跳过。
digest-failed-report = 摘要“{ $name }”（{ $from } 至 { $to }）发往 { $target }，尝试 { $n_attempts } 次后仍未发出：{ $reason }。已记录为失败；可用 /摘要 发送 { $name } 重试。
digest-scheduler-failed = 摘要调度器出错：{ $reason }。amity 将在 { $seconds } 秒后重新启动它，并持续重试（间隔逐次加长，最长 10 分钟）；期间到期的摘要会在它恢复后发送。恢复时会再通知您。
digest-scheduler-recovered = 摘要调度器已恢复运行（此前连续失败 { $n_failures } 次）；期间到期的摘要正在发送。
