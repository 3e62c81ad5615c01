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

# 图表（/图表）。
help-chart = 捐赠图表（图片） —— /图表 捐赠 按国家 2020
usage-chart = /图表 捐赠 按国家 [时间段]、/图表 捐赠 按时间 [时间段]、/图表 物资 [时间段] —— 例如 /图表 物资 2020
err-chart-which = 哪种图表？/图表 捐赠 按国家、/图表 捐赠 按时间 或 /图表 物资，可加时间段，例如 /图表 物资 2020
err-chart-unknown = 无法绘制“{ $input }”。请选择 /图表 捐赠 按国家、/图表 捐赠 按时间 或 /图表 物资，例如 /图表 捐赠 按国家 2020
chart-over-time = 捐赠累计价值，{ $period }（人民币）
chart-items = 捐赠物资，{ $period }
chart-caption-by-country = 向 { $n_countries } 个国家捐赠，价值 { $money }（多国共享的捐赠平均分摊）；{ $audience }
chart-caption-over-time = 共 { $money }，按月累计，{ $n_months } 个月；{ $audience }
chart-caption-items = { $n_kinds } 种物资中数量最多的 { $n_shown } 种，按记录的数量（单位分开）；{ $audience }
chart-audience-public = 仅含公开记录。
chart-audience-staff = 含内部记录。
chart-nothing-valued = { $period }没有估值的捐赠，无可绘制。/捐赠 列出所捐物资。
chart-nothing-items = { $period }没有捐赠物资，无可绘制。
chart-failed = 无法绘制图表（{ $error }）。
