### 日期和时间段的解析错误（src/domain/period.rs）。
### 所有参数都是字符串。消息 id 来自 PeriodError::msg_id。

# 没有给出日期。
period-empty-date = 请给出日期，例如 2020-03-23、2020年3月23日、今天 或 昨天。

# 没有给出时间段。
period-empty-period = 请给出时间段，例如 2020年、2020年5月、2020-03-01..2020-05-31、2020-04-01以来、上月 或 全部。

# $input：无法识别的文字
period-unknown-date = 无法识别日期“{ $input }”。请写成 2020-03-23、2020/03/23、2020年3月23日、今天 或 昨天。

# $input：无法识别的文字
period-unknown-period = 无法识别时间段“{ $input }”。可以写 2020年、2020年5月、2020年第一季度、2020-05、2020-03-01..2020-05-31、2020-04-01以来、截至2020-05-31、本周、上月、今年 或 全部。

# $input：输入的日期或时间段；$year：输入的年份
period-year-out-of-range = “{ $input }”：年份 { $year } 不在 1900–2100 之间。请写完整的四位年份，例如 2020-03-23。

# $input：输入的日期或时间段；$year：年份（有效）；$month：输入的月份
period-month-out-of-range = “{ $input }”：没有{ $month }月，月份应为 1 到 12，例如 { $year }-12。

# $input：输入的日期；$year、$month（数字）、$day（输入的日）；$days：该月天数；$example：该月最后一天，如 2020-02-29
period-day-out-of-range = “{ $input }”：{ $year }年{ $month }月只有 { $days } 天，没有{ $day }日。该月最后一天是 { $example }。

# $input：年份写在最后的日期，如 23/03/2020
period-year-last = “{ $input }”：请把年份写在前面，例如 2020-03-23（年份在后时，日和月的顺序有歧义）。

# $input：输入的范围；$from、$to：开始和结束日期（YYYY-MM-DD）
period-reversed-range = “{ $input }”：结束日期 { $to } 早于开始日期 { $from }。请先写较早的日期，例如 2020-03-01..2020-05-31。
