<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ConsoleApp</name>
    <message>
        <location filename="../../app/__init__.py" line="103"/>
        <source>Vending Console — unexpected error</source>
        <translation>售货机控制台 — 意外错误</translation>
    </message>
    <message>
        <location filename="../../app/__init__.py" line="104"/>
        <source>Something went wrong: {error}

The details are in the console&apos;s log file. The window stays open; check the last order you worked on.</source>
        <translation>出错了：{error}

详细信息在控制台的日志文件中。窗口保持打开；请检查您最后处理的订单。</translation>
    </message>
</context>
<context>
    <name>EnvironmentBanner</name>
    <message>
        <location filename="../../ui/banner.py" line="25"/>
        <source>SANDBOX</source>
        <translation>沙箱</translation>
    </message>
    <message>
        <location filename="../../ui/banner.py" line="27"/>
        <source>TEST: {name}</source>
        <translation>测试：{name}</translation>
    </message>
    <message>
        <location filename="../../ui/banner.py" line="28"/>
        <source>LIVE: {name}</source>
        <translation>正式：{name}</translation>
    </message>
    <message>
        <location filename="../../ui/banner.py" line="38"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../ui/banner.py" line="61"/>
        <source>SANDBOX — a simulated platform on this computer ({url}). Nothing here touches real machines or money.</source>
        <translation>沙箱 — 本机上的模拟平台（{url}）。这里的操作不会涉及真实设备或资金。</translation>
    </message>
    <message>
        <location filename="../../ui/banner.py" line="67"/>
        <source>TEST — profile “{name}” at {url} (this computer).</source>
        <translation>测试 — 配置“{name}”，地址 {url}（本机）。</translation>
    </message>
    <message>
        <location filename="../../ui/banner.py" line="71"/>
        <source>LIVE — profile “{name}” at {url}: real machines, real money. Every dispense drops a real item.</source>
        <translation>正式 — 配置“{name}”，地址 {url}：真实设备，真实资金。每次出货都会掉落真实商品。</translation>
    </message>
</context>
<context>
    <name>EnvironmentFactory</name>
    <message>
        <location filename="../../tasks/environment.py" line="222"/>
        <source>profile {name} has no {missing} in {store}: enter them in Profiles…</source>
        <translation>配置 {name} 在 {store} 中没有 {missing}：请在“配置…”中填写</translation>
    </message>
    <message>
        <location filename="../../tasks/environment.py" line="227"/>
        <source> or </source>
        <translation>或</translation>
    </message>
</context>
<context>
    <name>FollowupsPanel</name>
    <message>
        <location filename="../../ui/followups_panel.py" line="142"/>
        <source>Dispenses that failed, got no answer or were refused for a paid order: the customer probably paid and got nothing. Refund them, or dismiss with a reason.</source>
        <translation>已支付订单中出货失败、无应答或被拒绝的记录：顾客很可能已付款却没拿到商品。请为其退款，或填写原因后忽略。</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="191"/>
        <source>Mark refu&amp;nded…</source>
        <translation>标记已退款(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="193"/>
        <source>The customer got their money back: note the reference</source>
        <translation>顾客已拿回款项：记下退款单号</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="195"/>
        <source>D&amp;ismiss…</source>
        <translation>忽略(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="196"/>
        <source>No refund needed: say why</source>
        <translation>无需退款：说明原因</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="197"/>
        <source>Open &amp;order</source>
        <translation>打开订单(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="308"/>
        <source>Follow-ups not loaded: {error}</source>
        <translation>未能加载跟进：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="322"/>
        <location filename="../../ui/followups_panel.py" line="347"/>
        <source>Nothing was sent.</source>
        <translation>未发送任何请求。</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="327"/>
        <location filename="../../ui/followups_panel.py" line="338"/>
        <source>Refund order {order}</source>
        <translation>为订单 {order} 退款</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="339"/>
        <source>A note for the record (optional), e.g. who asked for it:</source>
        <translation>备注（可选），例如是谁要求的：</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="52"/>
        <source>opened</source>
        <translation>已创建</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="53"/>
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="65"/>
        <source>{when}  {who}: {what}</source>
        <translation>{when}  {who}：{what}</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="71"/>
        <source>{line} — {note}</source>
        <translation>{line} — {note}</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="79"/>
        <source>Amount: {amount}
Trade id: {trade}
Order: {order} (record {record})
Machine: {machine}
Slot: {slot}
Product: {product}
Paid on (platform date): {date}</source>
        <translation>金额：{amount}
交易号：{trade}
订单：{order}（记录 {record}）
机器：{machine}
货道：{slot}
商品：{product}
支付日期（平台日期）：{date}</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="93"/>
        <source>The order is set to 2 — moved to refund on the platform: the items not yet dispensed go back to stock and the order can no longer be dispensed. Then pay the customer back through your payment channel and mark the follow-up refunded.</source>
        <translation>订单将在平台上设为 2 — 转入退款：尚未出货的商品退回库存，订单不能再出货。之后请通过您的支付渠道把钱退给顾客，并把此跟进标记为已退款。</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="101"/>
        <source>The item MAY HAVE DROPPED — refund order {order} anyway?</source>
        <translation>商品【可能已经掉落】— 仍要为订单 {order} 退款吗？</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="104"/>
        <source>No result came for this dispense and the platform could not say what happened: the item MAY HAVE DROPPED. Check the machine&apos;s slot and ask the customer first; refund only if the item did not come out.</source>
        <translation>这次出货没有结果，平台也无法确认发生了什么：商品【可能已经掉落】。请先检查机器的货道并询问顾客；只有确认商品没有出来时才退款。</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="112"/>
        <source>Refund anyway</source>
        <translation>仍然退款</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="116"/>
        <source>Refund the customer of order {order}?</source>
        <translation>为订单 {order} 的顾客退款？</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="119"/>
        <source>Refund this customer (follow-up #{id})?</source>
        <translation>为这位顾客退款（跟进 #{id}）？</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="122"/>
        <location filename="../../ui/followups_panel.py" line="333"/>
        <location filename="../../ui/followups_panel.py" line="342"/>
        <source>Refund customer</source>
        <translation>为顾客退款</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="153"/>
        <source>Follow-ups</source>
        <translation>跟进列表</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="171"/>
        <source>Select a follow-up to see every step, who and when.</source>
        <translation>选择一条跟进，查看每一步、由谁操作以及时间。</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="173"/>
        <source>Follow-up history</source>
        <translation>跟进记录</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="183"/>
        <source>Refund custo&amp;mer…</source>
        <translation>为顾客退款(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="185"/>
        <source>Move the order to refund on the platform (status 2) and record it here; then pay the customer back and mark it refunded</source>
        <translation>在平台上把订单转入退款（状态 2）并记录在此；然后把钱退给顾客并标记为已退款</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="198"/>
        <source>Show c&amp;losed ones too</source>
        <translation>同时显示已关闭的跟进(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="328"/>
        <source>The item may have dropped. What did you check? (e.g. slot {slot} still holds it; the customer says nothing came out)</source>
        <translation>商品可能已经掉落。您核实了什么？（例如：货道 {slot} 里商品还在；顾客说什么都没有出来）</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="369"/>
        <source>Follow-up #{id} refunded</source>
        <translation>跟进 #{id} 已退款</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="370"/>
        <source>How was the customer of order {order} refunded? (e.g. the payment channel&apos;s refund reference)</source>
        <translation>订单 {order} 的顾客是如何退款的？（例如支付渠道的退款单号）</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="375"/>
        <source>Mark refunded</source>
        <translation>标记已退款</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="398"/>
        <source>Dismiss follow-up #{id}</source>
        <translation>忽略跟进 #{id}</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="399"/>
        <source>Why does order {order} need no refund?</source>
        <translation>为什么订单 {order} 不需要退款？</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="402"/>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="434"/>
        <source>Follow-up #{id} (order {order}) is now {state}.</source>
        <translation>跟进 #{id}（订单 {order}）现在的状态：{state}。</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="438"/>
        <source> Order {order} was set to 2 — moved to refund.</source>
        <translation> 订单 {order} 已设为 2 — 转入退款。</translation>
    </message>
    <message>
        <location filename="../../ui/followups_panel.py" line="454"/>
        <source>Follow-up #{id} unchanged: {error}</source>
        <translation>跟进 #{id} 未更改：{error}</translation>
    </message>
</context>
<context>
    <name>HistoryChart</name>
    <message>
        <location filename="../../ui/history_chart.py" line="31"/>
        <source>Dispense results per day</source>
        <translation>每日出货结果</translation>
    </message>
    <message>
        <location filename="../../ui/history_chart.py" line="32"/>
        <source>Failures by slot (today in brackets)</source>
        <translation>各货道失败次数（括号内为今日）</translation>
    </message>
    <message>
        <location filename="../../ui/history_chart.py" line="33"/>
        <source>dropped</source>
        <translation>已出货</translation>
    </message>
    <message>
        <location filename="../../ui/history_chart.py" line="34"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../ui/history_chart.py" line="35"/>
        <source>No dispense history yet: run a check.</source>
        <translation>暂无出货记录：请先运行检查。</translation>
    </message>
    <message>
        <location filename="../../ui/history_chart.py" line="36"/>
        <source>No dispense results in the journal for this machine.</source>
        <translation>日志中没有这台机器的出货结果。</translation>
    </message>
    <message>
        <location filename="../../ui/history_chart.py" line="39"/>
        <source>No failures</source>
        <translation>无失败</translation>
    </message>
    <message>
        <location filename="../../ui/history_chart.py" line="40"/>
        <source>slot ?</source>
        <translation>货道 ?</translation>
    </message>
    <message>
        <location filename="../../ui/history_chart.py" line="92"/>
        <source>{day}: {ok} ok / {failed} failed</source>
        <translation>{day}：成功 {ok} / 失败 {failed}</translation>
    </message>
    <message>
        <location filename="../../ui/history_chart.py" line="98"/>
        <source>{slot} ×{failures} ({today} today)</source>
        <translation>{slot} ×{failures}（今日 {today}）</translation>
    </message>
</context>
<context>
    <name>Intents</name>
    <message>
        <location filename="../../core/intents.py" line="32"/>
        <source>Record {record} of order {order} is already being dispensed (sent by {actor} at {when}): nothing was sent.</source>
        <translation>订单 {order} 的记录 {record} 正在出货中（由 {actor} 于 {when} 发出）：本次未发送任何请求。</translation>
    </message>
    <message>
        <location filename="../../core/intents.py" line="37"/>
        <source>A status change of order {order} is being sent (by {actor} at {when}): wait for its answer; nothing was sent.</source>
        <translation>订单 {order} 的状态修改正在发送中（由 {actor} 于 {when} 发出）：请等待其结果；本次未发送任何请求。</translation>
    </message>
    <message>
        <location filename="../../core/intents.py" line="42"/>
        <source>Order {order} is being dispensed (sent by {actor} at {when}): wait for its result; nothing was sent.</source>
        <translation>订单 {order} 正在出货中（由 {actor} 于 {when} 发出）：请等待出货结果；本次未发送任何请求。</translation>
    </message>
    <message>
        <location filename="../../core/intents.py" line="47"/>
        <source>Order {order} has a dispense still waiting for its result (sent by {actor} at {when}): the item may yet drop, so refunding now could pay back a customer who gets it. Wait for the result (or its follow-up); nothing was sent.</source>
        <translation>订单 {order} 有一次出货仍在等待结果（由 {actor} 于 {when} 发出）：商品仍可能掉落，现在退款可能退给已拿到商品的顾客。请等待结果（或其跟进）；本次未发送任何请求。</translation>
    </message>
    <message>
        <location filename="../../core/intents.py" line="53"/>
        <source>A test dispense is already running on machine {machine} (sent by {actor} at {when}): one at a time; nothing was sent.</source>
        <translation>机器 {machine} 上已有一次测试出货在进行（由 {actor} 于 {when} 发出）：一次只能测试一个；本次未发送任何请求。</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <location filename="../../settings.py" line="152"/>
        <source>en</source>
        <comment>domain-text language code: zh for Chinese, en otherwise</comment>
        <translation>zh</translation>
    </message>
</context>
<context>
    <name>LogModel</name>
    <message>
        <location filename="../../ui/log_pane.py" line="78"/>
        <source>request</source>
        <translation>请求</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="79"/>
        <source>response</source>
        <translation>应答</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="80"/>
        <source>callback</source>
        <translation>回调</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="81"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="82"/>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="116"/>
        <source>Time (local)</source>
        <translation>时间（本地）</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="117"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="118"/>
        <source>Machine</source>
        <translation>机器</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="119"/>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="120"/>
        <source>What</source>
        <translation>内容</translation>
    </message>
</context>
<context>
    <name>LogPane</name>
    <message>
        <location filename="../../ui/log_pane.py" line="69"/>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="70"/>
        <source>Requests</source>
        <translation>请求</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="71"/>
        <source>Responses</source>
        <translation>应答</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="72"/>
        <source>Callbacks</source>
        <translation>回调</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="73"/>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="74"/>
        <source>Console notes</source>
        <translation>控制台提示</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="281"/>
        <source>as curl (secrets masked):</source>
        <translation>以 curl 命令表示（密钥已隐藏）：</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="289"/>
        <location filename="../../ui/log_pane.py" line="381"/>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="303"/>
        <source>machine no.</source>
        <translation>机器编号</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="305"/>
        <source>order id</source>
        <translation>订单号</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="307"/>
        <source>search text (Ctrl+F)</source>
        <translation>搜索文字 (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="309"/>
        <source>Follow tail</source>
        <translation>跟随最新</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="313"/>
        <source>&amp;Kind:</source>
        <translation>类型(&amp;K)：</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="314"/>
        <source>Mac&amp;hine:</source>
        <translation>机器(&amp;H)：</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="315"/>
        <source>O&amp;rder:</source>
        <translation>订单(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="316"/>
        <source>&amp;Search:</source>
        <translation>搜索(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="329"/>
        <source>Log lines</source>
        <translation>日志行</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="344"/>
        <source>Details of the selected line</source>
        <translation>所选日志行的详情</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="346"/>
        <source>Select a line to see its details.</source>
        <translation>选择一行以查看详细信息。</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="357"/>
        <source>Copy as &amp;curl</source>
        <translation>复制为 curl(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="358"/>
        <source>Replay call&amp;back</source>
        <translation>重放回调(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="360"/>
        <source>Send the selected callback to this console&apos;s receiver again, marked as a replay (it never counts as a new result)</source>
        <translation>把选中的回调再次发送到本控制台的接收器，并标记为重放（不会被算作新的结果）</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="366"/>
        <source>E&amp;xport…</source>
        <translation>导出(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="368"/>
        <source>Write the lines shown (filtered) to a JSON Lines file</source>
        <translation>把当前显示（已筛选）的行写入 JSON Lines 文件</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="370"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="385"/>
        <source>Collapse the log</source>
        <translation>收起日志</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="391"/>
        <source>Hide the log (View ▸ Log shows it)</source>
        <translation>隐藏日志（视图 ▸ 日志可再显示）</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="392"/>
        <source>Hide the log</source>
        <translation>隐藏日志</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="457"/>
        <source>Open the log again</source>
        <translation>重新展开日志</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="459"/>
        <source>Collapse the log to this strip</source>
        <translation>将日志收起为此细条</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="482"/>
        <source>{shown:,} of {total:,}</source>
        <translation>显示 {shown:,} / 共 {total:,}</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="528"/>
        <source>Copied the request as curl (secrets masked).</source>
        <translation>已将请求复制为 curl 命令（密钥已隐藏）。</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="552"/>
        <source>Callback #{id} replayed: the receiver answered {status}.</source>
        <translation>回调 #{id} 已重放：接收器返回 {status}。</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="562"/>
        <source>Callback #{id} not replayed: {error}</source>
        <translation>回调 #{id} 未能重放：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="571"/>
        <source>Export the log lines shown</source>
        <translation>导出显示的日志行</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="573"/>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines 文件 (*.jsonl)</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="595"/>
        <source>Exported {count:,} log lines to {path}.</source>
        <translation>已将 {count:,} 行日志导出到 {path}。</translation>
    </message>
    <message>
        <location filename="../../ui/log_pane.py" line="605"/>
        <source>Export to {path} failed: {error}</source>
        <translation>导出到 {path} 失败：{error}</translation>
    </message>
</context>
<context>
    <name>MachinesPanel</name>
    <message>
        <location filename="../../ui/machines_panel.py" line="40"/>
        <source>Machines</source>
        <translation>机器</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="51"/>
        <source>name, number, address…</source>
        <translation>名称、编号、地址…</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="53"/>
        <source>F&amp;ilter:</source>
        <translation>筛选(&amp;I)：</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="55"/>
        <source>Refresh &amp;machines</source>
        <translation>刷新机器(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="57"/>
        <source>Load the machine list from the platform again (F5)</source>
        <translation>从平台重新加载机器列表 (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="83"/>
        <source>8 digits, e.g. 16327129</source>
        <translation>8 位数字，例如 16327129</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="85"/>
        <source>Machine &amp;no.:</source>
        <translation>机器编号(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="87"/>
        <source>&amp;Use</source>
        <translation>使用(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="89"/>
        <source>Work on the machine with this number</source>
        <translation>操作此编号的机器</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="130"/>
        <source>Loading machines…</source>
        <translation>正在加载机器…</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="147"/>
        <source>{count} machines, {offline} offline.</source>
        <translation>共 {count} 台机器，{offline} 台离线。</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="149"/>
        <source>{count} machines.</source>
        <translation>共 {count} 台机器。</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="158"/>
        <source>Machines not loaded: {error}</source>
        <translation>未能加载机器：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="174"/>
        <source>Machine {machine} is offline.</source>
        <translation>机器 {machine} 离线。</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="186"/>
        <source>“{typed}” is not a machine number: it has 8 digits, e.g. 16327129.</source>
        <translation>“{typed}”不是机器编号：机器编号为 8 位数字，例如 16327129。</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="194"/>
        <source>Machine number {machine} has {digits} digits; only special merchants have numbers longer than 8. Using it anyway.</source>
        <translation>机器编号 {machine} 有 {digits} 位；只有特殊商户的编号超过 8 位。仍按此编号继续。</translation>
    </message>
    <message>
        <location filename="../../ui/machines_panel.py" line="202"/>
        <source>Working on machine {machine}.</source>
        <translation>正在操作机器 {machine}。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="73"/>
        <source>Vending Console</source>
        <translation>售货机控制台</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="76"/>
        <source>&amp;System language</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="195"/>
        <source>Machines &amp;&amp; orders</source>
        <translation>机器与订单</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="197"/>
        <location filename="../../ui/main_window.py" line="679"/>
        <source>Follow-ups ({count})</source>
        <translation>跟进 ({count})</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="209"/>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="212"/>
        <source>Reload machines, the open order and follow-ups (F5)</source>
        <translation>重新加载机器、当前订单和跟进 (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="214"/>
        <source>Cancel running work</source>
        <translation>取消正在进行的操作</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="217"/>
        <source>Stop what is running at its next safe point (Esc); a request already sent cannot be called back</source>
        <translation>在下一个安全点停止正在进行的操作 (Esc)；已发出的请求无法撤回</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="224"/>
        <source>&amp;Profiles…</source>
        <translation>配置(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="226"/>
        <source>Reset &amp;sandbox…</source>
        <translation>重置沙箱(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="228"/>
        <source>Start the built-in sandbox afresh: its machines, stock and orders as new</source>
        <translation>重新开始内置沙箱：机器、库存和订单恢复为全新状态</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="234"/>
        <source>Go to order id</source>
        <translation>转到订单号</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="236"/>
        <source>Apply status</source>
        <translation>应用状态</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="238"/>
        <source>Search the log</source>
        <translation>搜索日志</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="240"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="245"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="251"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="256"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="267"/>
        <source>The window changes language at once</source>
        <translation>窗口立即切换语言</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="271"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="277"/>
        <source>Which platform account the window works with</source>
        <translation>窗口当前使用的平台账户</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="279"/>
        <source> Profile: </source>
        <translation> 配置：</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="290"/>
        <source>Working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="403"/>
        <source>{name} (built in)</source>
        <translation>{name}（内置）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="415"/>
        <source>Profiles not read: {error}</source>
        <translation>未能读取配置：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="431"/>
        <source>Work is still running: let it finish or cancel it (Esc) before switching profile.</source>
        <translation>仍有操作在进行：请等待完成或先取消 (Esc)，再切换配置。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="440"/>
        <source>Opening profile “{name}”…</source>
        <translation>正在打开配置“{name}”…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="467"/>
        <source>Work is still running: let it finish or cancel it (Esc) before resetting the sandbox.</source>
        <translation>仍有操作在进行：请等它完成或取消（Esc）后再重置沙箱。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="475"/>
        <source>Reset the sandbox?</source>
        <translation>重置沙箱？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="476"/>
        <source>Start the built-in sandbox afresh? Its orders, dispenses and stock are replaced by new demo data.</source>
        <translation>要重新开始内置沙箱吗？其中的订单、出货记录和库存将被新的演示数据取代。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="481"/>
        <source>Reset sandbox</source>
        <translation>重置沙箱</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="482"/>
        <source>The journal keeps what was done with the old sandbox&apos;s orders, marked as from a previous sandbox: Recent and Follow-ups no longer list them. Real platforms and their profiles are not touched.</source>
        <translation>日志仍保留对旧沙箱订单所做的操作，并标记为来自以前的沙箱：“最近”和“跟进”中不再列出它们。真实平台及其配置不受影响。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="491"/>
        <source>Resetting the sandbox…</source>
        <translation>正在重置沙箱…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="528"/>
        <source>Callbacks: {url}</source>
        <translation>回调地址：{url}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="535"/>
        <source>{count} action(s) from an earlier session ended without an answer: check those orders before acting on them again.</source>
        <translation>上次会话中有 {count} 个操作没有得到应答：再次操作前请先检查这些订单。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="543"/>
        <source>Profile “{name}” is open.</source>
        <translation>配置“{name}”已打开。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="556"/>
        <source> Open File ▸ Profiles… to keep secrets for this session only.</source>
        <translation> 打开“文件 ▸ 配置…”可仅在本次会话中保存密钥。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="559"/>
        <source>Profile “{name}” is not open: {error}</source>
        <translation>配置“{name}”未打开：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="588"/>
        <source>Profile “{name}” changed: choose it again to use it.</source>
        <translation>配置“{name}”已更改：请重新选择后使用。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="611"/>
        <source>Cancelling: running work stops at its next safe point.</source>
        <translation>正在取消：进行中的操作将在下一个安全点停止。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="724"/>
        <source>Language changed.</source>
        <translation>界面语言已更改。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="755"/>
        <source>Dispense failed: order {order} record {record} — {reason}. A follow-up was opened.</source>
        <translation>出货失败：订单 {order} 记录 {record} — {reason}。已创建跟进。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="762"/>
        <source>no reason given</source>
        <translation>未给出原因</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="826"/>
        <source>No dispense result within 120 s for order(s) {orders}: the platform was asked; follow-up opened.</source>
        <translation>订单 {orders} 的出货指令 120 秒内没有结果：已向平台查询，并已创建跟进。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="836"/>
        <source>The platform says the item is out for order(s) {orders}: their follow-ups closed by themselves; no refund is owed.</source>
        <translation>平台确认订单 {orders} 的商品已出货：相关跟进已自动关闭，无需退款。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="851"/>
        <source>Quit with work running?</source>
        <translation>有操作正在进行，确定退出？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="852"/>
        <source>Work is still running. Quit anyway?</source>
        <translation>仍有操作在进行。仍要退出吗？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="853"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="854"/>
        <source>Running work is cancelled at its next safe point; a request already sent finishes and its outcome is written to the journal before the console closes.</source>
        <translation>进行中的操作会在下一个安全点取消；已发出的请求会执行完毕，其结果在控制台关闭前写入日志。</translation>
    </message>
</context>
<context>
    <name>NewOrderDialog</name>
    <message>
        <location filename="../../ui/order_panel.py" line="165"/>
        <source>New order on machine {machine}</source>
        <translation>在机器 {machine} 上新建订单</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="169"/>
        <source>The platform creates an unpaid order and reserves its stock until it is paid, closed or expires (20 minutes). Its dispense results come to this console.</source>
        <translation>平台会创建一个未支付订单，并为其保留库存，直到订单被支付、关闭或过期（20 分钟）。其出货结果会回调到本控制台。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="181"/>
        <source>{slot} · {product} · id {id} · {price} · {stock} left</source>
        <translation>{slot} · {product} · 编号 {id} · {price} · 剩余 {stock}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="193"/>
        <source>&amp;Product:</source>
        <translation>商品(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="194"/>
        <source>&amp;Quantity:</source>
        <translation>数量(&amp;Q)：</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="198"/>
        <source>&amp;Create order</source>
        <translation>创建订单(&amp;C)</translation>
    </message>
</context>
<context>
    <name>Operations</name>
    <message>
        <location filename="../../dispensing/engine.py" line="61"/>
        <source>dropped</source>
        <translation>已出货</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="62"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="63"/>
        <source>no result</source>
        <translation>无结果</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="64"/>
        <source>not sent</source>
        <translation>未发送</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="80"/>
        <source>{fault} — {meaning}</source>
        <translation>{fault} — {meaning}</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="81"/>
        <source>{fault}; slot status {status}: {meaning}</source>
        <translation>{fault}；货道状态 {status}：{meaning}</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="82"/>
        <source>order {order} is {status}: only paid or pickup-code orders can be dispensed; nothing was sent</source>
        <translation>订单 {order} 的状态是 {status}：只有已支付或取货码订单才能出货；未发送任何请求</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="65"/>
        <location filename="../../dispensing/engine.py" line="86"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="67"/>
        <source>the machine reported success</source>
        <translation>机器报告成功</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="68"/>
        <source>the platform reports success</source>
        <translation>平台报告成功</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="77"/>
        <source>stopped waiting (cancelled)</source>
        <translation>已停止等待（已取消）</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="78"/>
        <source>no result from the machine</source>
        <translation>机器没有返回结果</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="69"/>
        <source>{why}: the item may or may not have dropped; query the dispense before trying again</source>
        <translation>{why}：商品可能已掉落，也可能没有；再次尝试前请先查询出货</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="87"/>
        <source>choose a slot to test; nothing was sent</source>
        <translation>请选择要测试的货道；未发送任何请求</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="73"/>
        <source>{why}: the item may or may not have dropped; check the slot before testing again</source>
        <translation>{why}：商品可能已掉落，也可能没有；再次测试前请先检查货道</translation>
    </message>
    <message>
        <location filename="../../dispensing/engine.py" line="79"/>
        <source>no fault text given</source>
        <translation>未给出故障描述</translation>
    </message>
</context>
<context>
    <name>OrderPanel</name>
    <message>
        <location filename="../../ui/order_panel.py" line="100"/>
        <source>Move to refund</source>
        <translation>转入退款</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="101"/>
        <source>The platform returns the items not yet dispensed to stock and the order can no longer be dispensed. Refund the customer through your payment channel.</source>
        <translation>平台会把尚未出货的商品退回库存，该订单将无法再出货。请通过您的支付渠道给顾客退款。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="108"/>
        <source>Close the order</source>
        <translation>关闭订单</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="109"/>
        <source>The items go back to stock and the order can no longer be paid or dispensed. Closing by hand sends no callback.</source>
        <translation>商品退回库存，该订单将无法再支付或出货。手动关闭不会发送回调。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="116"/>
        <source>Revoke the payment</source>
        <translation>撤销支付</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="117"/>
        <source>The payment-code payment is revoked, the items go back to stock and the order can no longer be dispensed.</source>
        <translation>付款码支付将被撤销，商品退回库存，该订单将无法再出货。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="124"/>
        <source>Mark payment failed</source>
        <translation>标记支付失败</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="125"/>
        <source>The payment is recorded as failed, the items go back to stock and the order can no longer be dispensed.</source>
        <translation>支付记为失败，商品退回库存，该订单将无法再出货。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="137"/>
        <source>not paid yet: nothing to dispense yet</source>
        <translation>尚未支付：暂无可出货的商品</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="138"/>
        <source>moved to refund: nothing to dispense</source>
        <translation>已转入退款：无需出货</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="139"/>
        <source>closed: nothing to dispense</source>
        <translation>已关闭：无需出货</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="140"/>
        <source>revoked: nothing to dispense</source>
        <translation>已撤销：无需出货</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="141"/>
        <source>payment failed: nothing to dispense</source>
        <translation>支付失败：无需出货</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="142"/>
        <source>not paid or pickup-code: nothing can be dispensed</source>
        <translation>既非已支付也非取货码订单：不能出货</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="145"/>
        <source>all records dispensed: nothing left to dispense</source>
        <translation>所有记录均已出货：没有待出货的记录</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="148"/>
        <source>no record left to dispense</source>
        <translation>没有待出货的记录</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="154"/>
        <source>{when} local time</source>
        <translation>本地时间 {when}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="272"/>
        <source>order id (Ctrl+L)</source>
        <translation>订单号 (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="277"/>
        <source>&amp;Order id:</source>
        <translation>订单号(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="279"/>
        <source>O&amp;pen</source>
        <translation>打开(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="281"/>
        <source>Look the order up on the platform (Enter)</source>
        <translation>在平台上查询该订单 (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="286"/>
        <source>recent orders</source>
        <translation>最近订单</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="291"/>
        <source>Rec&amp;ent:</source>
        <translation>最近(&amp;E)：</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="293"/>
        <source>Ne&amp;w order…</source>
        <translation>新建订单(&amp;W)…</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="295"/>
        <source>Create an unpaid order on this machine</source>
        <translation>在这台机器上创建一个未支付订单</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="311"/>
        <location filename="../../ui/order_panel.py" line="744"/>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="326"/>
        <source>Trade id:</source>
        <translation>交易号：</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="327"/>
        <source>Amount:</source>
        <translation>金额：</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="328"/>
        <source>Date:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="329"/>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="335"/>
        <source>20-minute window:</source>
        <translation>20 分钟时限：</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="347"/>
        <source>Records of the order</source>
        <translation>订单的出货记录</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="366"/>
        <source>choose a status</source>
        <translation>选择状态</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="372"/>
        <source>S&amp;tatus:</source>
        <translation>状态(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="374"/>
        <source>&amp;Apply</source>
        <translation>应用(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="376"/>
        <source>Send the chosen status to the platform (Ctrl+Enter)</source>
        <translation>把选中的状态发送到平台 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="384"/>
        <source>&amp;Dispense selected</source>
        <translation>出货选中项(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="386"/>
        <source>Drop the selected record&apos;s item (asks first)</source>
        <translation>为选中的记录出货（会先确认）</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="388"/>
        <source>Dispense a&amp;ll</source>
        <translation>全部出货(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="390"/>
        <source>Drop every record not yet picked up, one after another (asks first)</source>
        <translation>依次为所有未取货的记录出货（会先确认）</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="394"/>
        <source>&amp;Query dispense</source>
        <translation>查询出货(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="396"/>
        <source>Ask the platform for the selected record&apos;s last dispense</source>
        <translation>向平台查询选中记录的最近一次出货</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="551"/>
        <source>No machine chosen: pick one in the list or type its number.</source>
        <translation>未选择机器：请在列表中选择，或输入机器编号。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="559"/>
        <source>Machine &lt;b&gt;{machine}&lt;/b&gt;</source>
        <translation>机器 &lt;b&gt;{machine}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="565"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="567"/>
        <source>OFFLINE</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="570"/>
        <source>Machine &lt;b&gt;{machine}&lt;/b&gt; — {name} ({state})</source>
        <translation>机器 &lt;b&gt;{machine}&lt;/b&gt; — {name}（{state}）</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="602"/>
        <source>Products not loaded (names stay unknown): {error}</source>
        <translation>未能加载商品（商品名称将显示为未知）：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="639"/>
        <source>“{typed}” is not an order id: it is a positive whole number.</source>
        <translation>“{typed}”不是订单号：订单号为正整数。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="647"/>
        <source>Choose the order&apos;s machine first (list or number).</source>
        <translation>请先选择订单所在的机器（列表或编号）。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="723"/>
        <source>Order {order} not opened: {error}</source>
        <translation>未能打开订单 {order}：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="760"/>
        <source>Order {order} on machine {machine}</source>
        <translation>机器 {machine} 上的订单 {order}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="791"/>
        <source>{status} (now; choose a status to set)</source>
        <translation>{status}（当前；请选择要设置的状态）</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="809"/>
        <source>product {id}</source>
        <translation>商品 {id}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="858"/>
        <source>Order {order} is already {status}: nothing was sent.</source>
        <translation>订单 {order} 已经是 {status}：未发送任何指令。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="866"/>
        <source>Set order {order} to {status}?</source>
        <translation>将订单 {order} 设为 {status}？</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="869"/>
        <source>Set order {order} on machine {machine} to {status}?</source>
        <translation>将机器 {machine} 上的订单 {order} 设为 {status}？</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="876"/>
        <location filename="../../ui/order_panel.py" line="895"/>
        <location filename="../../ui/order_panel.py" line="1057"/>
        <source>Nothing was sent.</source>
        <translation>未发送任何请求。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="880"/>
        <source>Order {order} is older than 20 minutes</source>
        <translation>订单 {order} 已超过 20 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="883"/>
        <source>Order {order} is older than 20 minutes: the platform will refuse to dispense it, even once it is marked paid.</source>
        <translation>订单 {order} 已超过 20 分钟：即使标记为已支付，平台也会拒绝出货。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="888"/>
        <source>Mark paid anyway</source>
        <translation>仍然标记为已支付</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="889"/>
        <source>The customer would have paid for an item the machine cannot drop.</source>
        <translation>顾客将为一件机器无法出货的商品付款。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="901"/>
        <source>Setting order {order} to {status}…</source>
        <translation>正在将订单 {order} 设为 {status}…</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="923"/>
        <source>Order {order} is now {status}.</source>
        <translation>订单 {order} 现在是 {status}。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="939"/>
        <source>Order {order} was not set to {status}: {error}</source>
        <translation>订单 {order} 未能设为 {status}：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="971"/>
        <source>Order {order}: {why}. Nothing was sent.</source>
        <translation>订单 {order}：{why}。未发送任何请求。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="982"/>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="983"/>
        <source>record {record} ({product} ×{quantity})</source>
        <translation>记录 {record}（{product} ×{quantity}）</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="987"/>
        <source>record {record}</source>
        <translation>记录 {record}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="992"/>
        <source>Items will drop now, one record after another: the next is sent only after the machine reports the previous one. </source>
        <translation>商品将立即逐条出货：机器报告上一条结果后才会发送下一条。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="998"/>
        <source>An item will drop now. </source>
        <translation>商品将立即出货。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="999"/>
        <source>The machine is locked until it reports; a dispense is never retried.</source>
        <translation>机器报告结果前会被锁定；出货绝不会自动重试。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1003"/>
        <source> The order is older than 20 minutes: the platform will probably refuse.</source>
        <translation>该订单已超过 20 分钟：平台很可能会拒绝。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1045"/>
        <source>Dispense order {order}?</source>
        <translation>为订单 {order} 出货？</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1048"/>
        <source>Dispense {items} of order {order} on machine {machine}?</source>
        <translation>在机器 {machine} 上为订单 {order} 出货：{items}？</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1051"/>
        <source>Dispense all</source>
        <translation>全部出货</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1053"/>
        <source>Dispense</source>
        <translation>出货</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1062"/>
        <source>Sending the dispense to machine {machine}…</source>
        <translation>正在向机器 {machine} 发送出货指令…</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1083"/>
        <source>sent {when} by {actor}</source>
        <translation>由 {actor} 于 {when} 发出</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1087"/>
        <source>sent {when}</source>
        <translation>于 {when} 发出</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1090"/>
        <source>Record {record}: dispense {sent}; the platform accepted it as delivery {delivery} (status “{status}”) and no result has come yet.</source>
        <translation>记录 {record}：出货指令{sent}；平台已受理，出货单 {delivery}（状态“{status}”），尚未收到结果。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1096"/>
        <source>Record {record}: a dispense {sent} is still waiting for the platform&apos;s answer.</source>
        <translation>记录 {record}：出货指令{sent}，仍在等待平台应答。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1101"/>
        <source>Record {record}: dispense {sent}; no usable answer came from the platform ({message}).</source>
        <translation>记录 {record}：出货指令{sent}；未收到平台的有效应答（{message}）。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1107"/>
        <source>Record {record}: dispense {sent}; the console stopped before the platform answered.</source>
        <translation>记录 {record}：出货指令{sent}；平台应答之前控制台已停止。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1117"/>
        <source>no message</source>
        <translation>无消息</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1125"/>
        <source> ({index} of {total})</source>
        <translation>（第 {index} / {total} 条）</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1132"/>
        <source>Sending the dispense of record {record}{of} to machine {machine}…</source>
        <translation>正在向机器 {machine} 发送记录 {record}{of} 的出货指令…</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1143"/>
        <source>Machine {machine} reported on record {record}{of}.</source>
        <translation>机器 {machine} 已报告记录 {record}{of} 的结果。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1159"/>
        <source> (delivery {delivery})</source>
        <translation>（出货单 {delivery}）</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1165"/>
        <source>Record {record} dropped{delivery}.</source>
        <translation>记录 {record} 已出货{delivery}。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1171"/>
        <source>Record {record}: the platform says it was already delivered (“{message}”). Nothing was sent, and this answer opens no refund follow-up.</source>
        <translation>记录 {record}：平台表示该记录已出货（“{message}”）。本次未发送任何指令，这一回复不会产生退款跟进。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1180"/>
        <source>Record {record}: the dispense was sent but its answer was lost — the item MAY HAVE DROPPED. Check the machine or use Query dispense before dispensing it again. ({error})</source>
        <translation>记录 {record}：出货指令已发出，但应答丢失——商品可能已经出货。再次出货前请先检查机器或使用“查询出货”。（{error}）</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1192"/>
        <source>Record {record} was not dispensed: {error}</source>
        <translation>记录 {record} 未出货：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1198"/>
        <source>Record {record}: {result}{delivery} — {detail}</source>
        <translation>记录 {record}：{result}{delivery} — {detail}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1209"/>
        <source>Cancelled: records {records} were not sent.</source>
        <translation>已取消：记录 {records} 未发送。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1211"/>
        <source>Stopped: records {records} were not sent.</source>
        <translation>已停止：记录 {records} 未发送。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1217"/>
        <source>Nothing was dispensed.</source>
        <translation>没有出货。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1231"/>
        <source>Order {order} not dispensed: {error}</source>
        <translation>订单 {order} 未出货：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1262"/>
        <source>Dispense {delivery} of record {record}: {status}</source>
        <translation>记录 {record} 的出货单 {delivery}：{status}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1116"/>
        <location filename="../../ui/order_panel.py" line="1265"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1020"/>
        <source>Dispense order {order} again?</source>
        <translation>再次为订单 {order} 出货？</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1023"/>
        <source>Dispense {items} of order {order} on machine {machine} anyway? The item may already have dropped.</source>
        <translation>仍要在机器 {machine} 上为订单 {order} 出货 {items} 吗？商品可能已经出货。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1028"/>
        <source>Dispense anyway</source>
        <translation>仍然出货</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1031"/>
        <source>WARNING: the last dispense of record(s) {records} has no known result: the item may already have dropped, and dispensing again may drop a second item. Check the machine or use Query dispense first.</source>
        <translation>警告：记录 {records} 的上一次出货没有已知结果：商品可能已经出货，再次出货可能会多出一件商品。请先检查机器，或使用“查询出货”。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1136"/>
        <source>Machine {machine} is locked: dispensing record {record}{of}, delivery {delivery}. Waiting for the machine&apos;s result (Cancel stops waiting, not the machine).</source>
        <translation>机器 {machine} 已锁定：正在为记录 {record}{of} 出货，出货单 {delivery}。正在等待机器的结果（“取消”只停止等待，不会停止机器）。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1268"/>
        <source>, sent {when}</source>
        <translation>，发送于 {when}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1270"/>
        <source>, picked up {when}</source>
        <translation>，取货于 {when}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1272"/>
        <source>, failed: {reason}</source>
        <translation>，失败：{reason}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1286"/>
        <source>Dispense not queried: {error}</source>
        <translation>未能查询出货：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1329"/>
        <source>Order {order} created (trade id {trade}); it is unpaid.</source>
        <translation>订单 {order} 已创建（交易号 {trade}）；尚未支付。</translation>
    </message>
    <message>
        <location filename="../../ui/order_panel.py" line="1344"/>
        <source>Order not created: {error}</source>
        <translation>未能创建订单：{error}</translation>
    </message>
</context>
<context>
    <name>ProfilesDialog</name>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="41"/>
        <source>AppSecret</source>
        <translation>AppSecret</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="42"/>
        <source>sign key</source>
        <translation>签名密钥</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="59"/>
        <location filename="../../ui/profiles_dialog.py" line="78"/>
        <source>Profiles</source>
        <translation>配置</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="80"/>
        <source>&amp;New profile</source>
        <translation>新建配置(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="86"/>
        <source>Checking the OS keyring…</source>
        <translation>正在检查系统密钥环…</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="90"/>
        <source>&amp;Keep secrets for this session only (they are forgotten when the console closes)</source>
        <translation>仅在本次会话中保存密钥(&amp;K)（控制台关闭后即清除）</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="104"/>
        <source>ds + 16 hex characters</source>
        <translation>ds + 16 个十六进制字符</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="111"/>
        <source>e.g. https://tunnel.example.com (optional)</source>
        <translation>例如 https://tunnel.example.com（可选）</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="114"/>
        <source>The public address that forwards to this computer&apos;s receiver; the console adds /notify/&lt;token&gt;. Empty: the platform must reach this computer directly.</source>
        <translation>转发到本机接收器的公网地址；控制台会在后面加上 /notify/&lt;token&gt;。留空：平台必须能直接访问本机。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="122"/>
        <source>any free port</source>
        <translation>任意空闲端口</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="123"/>
        <source>N&amp;ame:</source>
        <translation>名称(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="124"/>
        <source>&amp;Base URL:</source>
        <translation>平台地址(&amp;B)：</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="125"/>
        <source>Ap&amp;pid:</source>
        <translation>Appid(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="126"/>
        <source>AppS&amp;ecret:</source>
        <translation>AppSecret(&amp;E)：</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="127"/>
        <source>Si&amp;gn key (merchant id):</source>
        <translation>签名密钥（商户号）(&amp;G)：</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="128"/>
        <source>Public notify &amp;URL:</source>
        <translation>公网回调地址(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="129"/>
        <source>Receiver p&amp;ort:</source>
        <translation>接收器端口(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="132"/>
        <source>The built-in sandbox starts a simulated platform and the callback receiver on this computer: nothing to configure, nothing real happens.</source>
        <translation>内置沙箱会在本机启动一个模拟平台和回调接收器：无需配置，不会产生任何真实操作。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="148"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="149"/>
        <source>&amp;Test connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="150"/>
        <source>&amp;Delete…</source>
        <translation>删除(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="194"/>
        <source>Secrets are kept in: {store}.</source>
        <translation>密钥保存在：{store}。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="209"/>
        <source>No usable OS keyring: {error} Secrets will not be saved to disk. Tick the box below to keep them for this session only.</source>
        <translation>没有可用的系统密钥环：{error} 密钥不会写入磁盘。勾选下面的选项可仅在本次会话中保存。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="215"/>
        <source>The keyring could not be checked: {error}</source>
        <translation>无法检查密钥环：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="235"/>
        <source>{name} (built in)</source>
        <translation>{name}（内置）</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="305"/>
        <source>{secret} stored — type to replace, leave empty to keep</source>
        <translation>{secret} 已保存 — 输入新值可替换，留空则保留</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="309"/>
        <source>{secret} not stored yet</source>
        <translation>{secret} 尚未保存</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="347"/>
        <source>Give the profile a name.</source>
        <translation>请为配置命名。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="350"/>
        <source>{name} is the built-in profile: choose another name.</source>
        <translation>{name} 是内置配置：请换一个名称。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="356"/>
        <source>A profile named {name} exists already.</source>
        <translation>名为 {name} 的配置已存在。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="369"/>
        <source>The Appid is needed (from the platform&apos;s developer centre).</source>
        <translation>需要 Appid（在平台的开发者中心获取）。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="421"/>
        <source>Enter the {secrets}: nothing is stored yet.</source>
        <translation>请填写{secrets}：目前尚未保存。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="422"/>
        <source> and the </source>
        <translation>和</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="444"/>
        <source>Profile {name} saved; its secrets are in {store}.</source>
        <translation>配置 {name} 已保存；其密钥保存在 {store}。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="458"/>
        <source>Profile {name} not saved: {error}</source>
        <translation>配置 {name} 未保存：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="469"/>
        <source>Delete profile {name}?</source>
        <translation>删除配置 {name}？</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="470"/>
        <source>Delete profile {name} and its secrets from the keyring?</source>
        <translation>从密钥环中删除配置 {name} 及其密钥？</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="473"/>
        <source>Delete profile</source>
        <translation>删除配置</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="474"/>
        <source>Its journal entries stay. To use the account again, enter the secrets anew.</source>
        <translation>其日志记录会保留。如需再次使用该账户，请重新填写密钥。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="498"/>
        <source>Profile {name} and its secrets were deleted.</source>
        <translation>配置 {name} 及其密钥已删除。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="514"/>
        <source>Pinging {url}…</source>
        <translation>正在连接 {url}…</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="545"/>
        <source>Connected: {url} answered in {ms:.0f} ms.</source>
        <translation>已连接：{url} 在 {ms:.0f} 毫秒内应答。</translation>
    </message>
    <message>
        <location filename="../../ui/profiles_dialog.py" line="555"/>
        <source>Connection test failed: {error}</source>
        <translation>连接测试失败：{error}</translation>
    </message>
</context>
<context>
    <name>TroubleshootView</name>
    <message>
        <location filename="../../ui/main_window.py" line="72"/>
        <location filename="../../ui/troubleshoot_view.py" line="73"/>
        <source>Troubleshoot</source>
        <translation>故障排查</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="75"/>
        <source>Machine</source>
        <translation>机器</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="76"/>
        <source>Online state</source>
        <translation>在线状态</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="77"/>
        <source>Cabinets</source>
        <translation>货柜</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="78"/>
        <source>Machine type</source>
        <translation>机型</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="79"/>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="80"/>
        <source>Ping latency</source>
        <translation>连接延迟</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="81"/>
        <source>Clock skew</source>
        <translation>时钟偏差</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="82"/>
        <location filename="../../ui/troubleshoot_view.py" line="484"/>
        <source>Slots</source>
        <translation>货道</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="83"/>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="86"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="87"/>
        <source>WARN</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="88"/>
        <source>FAIL</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="96"/>
        <source>Slot</source>
        <translation>货道</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="97"/>
        <source>Cabinet</source>
        <translation>货柜</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="98"/>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="99"/>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="100"/>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="101"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="103"/>
        <source>No machine chosen: pick one on the Machines &amp;&amp; orders tab.</source>
        <translation>未选择机器：请在“机器与订单”页中选择一台。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="106"/>
        <source>Machine {no}: not checked yet — press Check again.</source>
        <translation>机器 {no}：尚未检查 — 请点击“重新检查”。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="109"/>
        <source>Checking machine {no}…</source>
        <translation>正在检查机器 {no}…</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="110"/>
        <source>Machine {no} — {label}: {verdict} (checked {when})</source>
        <translation>机器 {no} — {label}：{verdict}（检查于 {when}）</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="114"/>
        <source>all checks passed</source>
        <translation>所有检查均通过</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="115"/>
        <source>works, with warnings</source>
        <translation>可以工作，但有警告</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="116"/>
        <source>PROBLEMS FOUND</source>
        <translation>发现问题</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="118"/>
        <source>Machine {no} was not checked: {error}</source>
        <translation>机器 {no} 未能检查：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="119"/>
        <source>No faulty slot: no slot&apos;s last dispense result in the journal is a failure.</source>
        <translation>没有故障货道：日志中没有哪个货道的最近一次出货结果是失败。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="123"/>
        <source>Faulty slots (last result a failure) — what it means and what to check:</source>
        <translation>故障货道（最近一次结果为失败）— 含义及需要检查的地方：</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="126"/>
        <source>{shown} of {total} slots · {faulty} faulty · {empty} empty · {low} low</source>
        <translation>显示 {shown} / {total} 个货道 · {faulty} 个故障 · {empty} 个缺货 · {low} 个库存低</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="129"/>
        <source>Choose a slot in the table to see its state or test it.</source>
        <translation>在表格中选择一个货道，查看其状态或进行测试。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="132"/>
        <source>&amp;Test-dispense slot…</source>
        <translation>测试出货(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="133"/>
        <source>&amp;Test-dispense {slot}…</source>
        <translation>测试出货 {slot}(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="134"/>
        <source>Drop one item from the chosen slot to see whether it works (asks first)</source>
        <translation>从选中的货道出一件商品，检查它是否正常（会先确认）</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="137"/>
        <source>Test-dispense slot {slot}?</source>
        <translation>测试货道 {slot} 出货？</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="138"/>
        <source>Test-dispense slot {slot}{product} on machine {no}?</source>
        <translation>在机器 {no} 上测试货道 {slot}{product} 出货？</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="141"/>
        <source>Test dispense</source>
        <translation>测试出货</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="142"/>
        <source>An item will drop from slot {slot} now: have someone at the machine to take it. The machine is locked until it reports; a test dispense is never retried.</source>
        <translation>货道 {slot} 将立即掉落一件商品：请安排人员在机器旁取走。机器报告结果前会被锁定；测试出货绝不会自动重试。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="147"/>
        <source> The machine is OFFLINE: the platform will probably refuse.</source>
        <translation>该机器离线：平台很可能会拒绝。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="150"/>
        <source>Nothing was sent.</source>
        <translation>未发送任何请求。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="151"/>
        <source>Machine {no} is dispensing an order: wait for its result before testing a slot. Nothing was sent.</source>
        <translation>机器 {no} 正在为订单出货：请等待结果后再测试货道。未发送任何请求。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="156"/>
        <source>Sending the test dispense of slot {slot} to machine {no}…</source>
        <translation>正在向机器 {no} 发送货道 {slot} 的测试出货指令…</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="159"/>
        <source>Machine {no} is locked: test-dispensing slot {slot}, delivery {delivery}. Waiting for the machine&apos;s result (Cancel stops waiting, not the machine).</source>
        <translation>机器 {no} 已锁定：正在测试货道 {slot}，出货单 {delivery}。正在等待机器的结果（“取消”只停止等待，不会停止机器）。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="164"/>
        <source>Test dispense of slot {slot} worked: the item dropped{delivery}.</source>
        <translation>货道 {slot} 测试出货成功：商品已掉落{delivery}。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="167"/>
        <source>Test dispense of slot {slot} FAILED{delivery}: {detail}</source>
        <translation>货道 {slot} 测试出货失败{delivery}：{detail}</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="170"/>
        <source>Test dispense of slot {slot}: no result{delivery} — {detail}</source>
        <translation>货道 {slot} 测试出货：无结果{delivery} — {detail}</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="173"/>
        <source>Slot {slot} was not test-dispensed: {error}</source>
        <translation>货道 {slot} 未进行测试出货：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="174"/>
        <source>Callback #{id} at {when}: deliver_status {deliver}, floor_status {floor}, error_msg “{error}”, channel_name {channel}.</source>
        <translation>回调 #{id}，时间 {when}：deliver_status {deliver}，floor_status {floor}，error_msg “{error}”，channel_name {channel}。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="179"/>
        <source>The platform&apos;s dispense record gave the result; the machine&apos;s callback had not arrived a few seconds later (the log pane shows it when it does).</source>
        <translation>结果来自平台的出货记录；几秒后机器的回调仍未到达（到达时会显示在日志窗格中）。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="184"/>
        <source>History from the journal (last 7 days)</source>
        <translation>日志中的历史（最近 7 天）</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="185"/>
        <source>Recent dispense results:</source>
        <translation>最近的出货结果：</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="186"/>
        <source>The journal was not read: no history.</source>
        <translation>未读取日志：没有历史。</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="207"/>
        <source>Check</source>
        <translation>检查项</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="211"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="216"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="408"/>
        <source>Ping the platform and read the machine, its slots and the journal again</source>
        <translation>重新连接平台，并再次读取机器、货道和日志</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="520"/>
        <source>Health</source>
        <translation>健康状况</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="519"/>
        <source>Slots (all cabinets)</source>
        <translation>货道（所有货柜）</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="406"/>
        <source>Check a&amp;gain</source>
        <translation>重新检查(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="429"/>
        <source>Health checks</source>
        <translation>健康检查</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="445"/>
        <source>Recent dispense results</source>
        <translation>最近的出货结果</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="464"/>
        <source>slot or product, e.g. A12 or cola</source>
        <translation>货道或商品，例如 A12 或 可乐</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="467"/>
        <source>Fi&amp;lter:</source>
        <translation>筛选(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="469"/>
        <source>&amp;Problems only</source>
        <translation>只看有问题的(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="471"/>
        <source>Show only faulty, empty and low slots</source>
        <translation>只显示故障、缺货和库存低的货道</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="542"/>
        <source>Health: all {count} checks OK</source>
        <translation>健康状况：全部 {count} 项检查正常</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="547"/>
        <source>{check} {result}: {summary}</source>
        <translation>{check} {result}：{summary}</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="554"/>
        <source>Health: {ok} of {count} checks OK — {problems}</source>
        <translation>健康状况：{count} 项检查中 {ok} 项正常 — {problems}</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="561"/>
        <source>Every check is on the Health tab below</source>
        <translation>全部检查项见下方“健康状况”标签页</translation>
    </message>
    <message>
        <location filename="../../ui/troubleshoot_view.py" line="919"/>
        <source> (delivery {delivery})</source>
        <translation>（出货单 {delivery}）</translation>
    </message>
</context>
<context>
    <name>callback</name>
    <message>
        <location filename="../../core/callback.py" line="56"/>
        <source>success</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="57"/>
        <source>failure</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="58"/>
        <source>invalid</source>
        <translation>无效</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="59"/>
        <source>event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="61"/>
        <source>{outcome} — {target}</source>
        <translation>{outcome} — {target}</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="62"/>
        <source>{summary}, deliver_status {status}</source>
        <translation>{summary}，出货状态 {status}</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="63"/>
        <source>{summary}: {fault}</source>
        <translation>{summary}：{fault}</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="64"/>
        <source>{summary} (slot status {floor})</source>
        <translation>{summary}（货道状态 {floor}）</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="65"/>
        <source>order {order} record {record}</source>
        <translation>订单 {order} 记录 {record}</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="66"/>
        <source>test dispense slot {slot}</source>
        <translation>测试出货 货道 {slot}</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="67"/>
        <source>no order</source>
        <translation>无订单</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="68"/>
        <source>{method} (order {order})</source>
        <translation>{method}（订单 {order}）</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="69"/>
        <source>{method} (no order)</source>
        <translation>{method}（无订单）</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="70"/>
        <source>event (order {order})</source>
        <translation>事件（订单 {order}）</translation>
    </message>
    <message>
        <location filename="../../core/callback.py" line="71"/>
        <source>event (no order)</source>
        <translation>事件（无订单）</translation>
    </message>
</context>
<context>
    <name>crosscheck</name>
    <message>
        <location filename="../../core/crosscheck.py" line="18"/>
        <source>ok</source>
        <translation>确认无误</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="19"/>
        <source>suspicious</source>
        <translation>可疑</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="20"/>
        <source>unchecked</source>
        <translation>未核对</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="21"/>
        <source>error</source>
        <translation>核对出错</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="24"/>
        <source>could not ask the platform: {error}</source>
        <translation>无法向平台核实：{error}</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="25"/>
        <source>test dispense of slot {slot}: no order to check</source>
        <translation>货道 {slot} 的测试出货：没有可核对的订单</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="26"/>
        <source>the callback names no order</source>
        <translation>回调未指明订单</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="27"/>
        <source>unknown order {order}: no machine of this merchant has it</source>
        <translation>未知订单 {order}：本商户没有任何设备有此订单</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="30"/>
        <source>order {order} exists on machine {machine} ({status})</source>
        <translation>订单 {order} 在设备 {machine} 上存在（{status}）</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="33"/>
        <source>order {order} is {status} ({label}): a dispense result for it is unexpected</source>
        <translation>订单 {order} 的状态为 {status}（{label}）：不应有它的出货结果</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="36"/>
        <source>order {order} is without status ({label}): a dispense result for it is unexpected</source>
        <translation>订单 {order} 没有状态（{label}）：不应有它的出货结果</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="40"/>
        <source>record {record} is not in order {order}</source>
        <translation>记录 {record} 不属于订单 {order}</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="41"/>
        <source>the callback says success but the platform shows record {record} as {status}</source>
        <translation>回调称成功，但平台显示记录 {record} 为 {status}</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="44"/>
        <source>the callback says success but the platform shows record {record} as without status</source>
        <translation>回调称成功，但平台显示记录 {record} 没有状态</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="48"/>
        <source>the callback says failure but the platform shows record {record} picked up</source>
        <translation>回调称失败，但平台显示记录 {record} 已取货</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="51"/>
        <source>the callback reports {outcome} but delivery {delivery} is still {status}</source>
        <translation>回调报告{outcome}，但出货单 {delivery} 仍为 {status}</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="54"/>
        <source>the callback reports {outcome} but delivery {delivery} is still pending</source>
        <translation>回调报告{outcome}，但出货单 {delivery} 仍在处理中</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="57"/>
        <source>the callback says success but delivery {delivery} is {status}</source>
        <translation>回调称成功，但出货单 {delivery} 为 {status}</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="60"/>
        <source>the callback says failure but delivery {delivery} succeeded</source>
        <translation>回调称失败，但出货单 {delivery} 已成功</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="63"/>
        <source>order {order} on machine {machine} is {status}; record {record} belongs to it</source>
        <translation>设备 {machine} 上的订单 {order} 为 {status}；记录 {record} 属于该订单</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="67"/>
        <source>cross-check gave unknown verdict {verdict}: {detail}</source>
        <translation>核对给出未知结论 {verdict}：{detail}</translation>
    </message>
    <message>
        <location filename="../../core/crosscheck.py" line="70"/>
        <source>cross-check failed: {kind}: {error}</source>
        <translation>核对失败：{kind}：{error}</translation>
    </message>
</context>
<context>
    <name>errorcodes</name>
    <message>
        <location filename="../../core/errorcodes.py" line="14"/>
        <source>not authorized</source>
        <translation>未授权</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="15"/>
        <source>Appid is empty</source>
        <translation>Appid 为空</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="16"/>
        <location filename="../../core/errorcodes.py" line="44"/>
        <source>Appid is invalid</source>
        <translation>Appid 无效</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="17"/>
        <source>application not supported</source>
        <translation>应用不支持</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="18"/>
        <source>invalid parameters</source>
        <translation>参数无效</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="19"/>
        <source>record not found</source>
        <translation>记录不存在</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="20"/>
        <source>payload signature invalid: check the sign key (merchant id)</source>
        <translation>签名无效:请检查签名密钥(商户号)</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="23"/>
        <location filename="../../core/errorcodes.py" line="29"/>
        <location filename="../../core/errorcodes.py" line="47"/>
        <source>machine offline</source>
        <translation>设备离线</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="24"/>
        <source>AppSecret is invalid</source>
        <translation>AppSecret 无效</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="25"/>
        <source>the action timed out on the platform</source>
        <translation>操作执行超时</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="26"/>
        <source>route not found</source>
        <translation>路由不存在</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="27"/>
        <source>merchant account expired</source>
        <translation>商户已过期</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="28"/>
        <source>merchant not verified</source>
        <translation>商户未认证</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="30"/>
        <location filename="../../core/errorcodes.py" line="48"/>
        <source>machine not found</source>
        <translation>设备不存在</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="31"/>
        <source>this order (record) was already dispensed</source>
        <translation>订单已出货</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="32"/>
        <location filename="../../core/errorcodes.py" line="49"/>
        <source>order expired: orders older than 20 minutes are not dispensed</source>
        <translation>订单已过期:超过20分钟的订单不受理出货</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="35"/>
        <location filename="../../core/errorcodes.py" line="52"/>
        <source>order status does not allow this</source>
        <translation>订单状态无效</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="36"/>
        <source>product not found</source>
        <translation>商品不存在</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="37"/>
        <source>product is off sale</source>
        <translation>商品已下架</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="38"/>
        <location filename="../../core/errorcodes.py" line="54"/>
        <source>not enough stock</source>
        <translation>库存不足</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="39"/>
        <source>order is already paid</source>
        <translation>订单已支付</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="40"/>
        <source>order payment failed</source>
        <translation>订单支付失败</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="41"/>
        <source>order is not paid</source>
        <translation>订单未支付</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="43"/>
        <source>Appid or AppSecret is empty</source>
        <translation>Appid 或 AppSecret 为空</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="45"/>
        <source>pickup code already used</source>
        <translation>取货码已使用</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="46"/>
        <source>no machine is linked</source>
        <translation>未绑定设备</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="53"/>
        <source>product is off the shelf</source>
        <translation>商品已下架</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="60"/>
        <source>machine is busy dispensing: wait for the current dispense to finish</source>
        <translation>设备正在出货:请等待当前出货完成</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="65"/>
        <source>the platform answered code 0 but not &quot;ok&quot;: treated as a failure</source>
        <translation>平台返回 code 0 但消息不是 ok:按失败处理</translation>
    </message>
    <message>
        <location filename="../../core/errorcodes.py" line="82"/>
        <source>unknown error code</source>
        <translation>未知错误代码</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../core/errors.py" line="33"/>
        <source>connect</source>
        <translation>连接失败</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="34"/>
        <source>timeout_connect</source>
        <translation>连接超时</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="35"/>
        <source>timeout</source>
        <translation>应答超时</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="36"/>
        <source>connection_lost</source>
        <translation>连接中断</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="37"/>
        <source>tls</source>
        <translation>证书校验</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="38"/>
        <source>non_json</source>
        <translation>非 JSON 应答</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="39"/>
        <source>bad_envelope</source>
        <translation>应答格式不符</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="40"/>
        <source>http</source>
        <translation>HTTP 错误</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="43"/>
        <source>empty answer</source>
        <translation>空应答</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="44"/>
        <source>answer is not JSON</source>
        <translation>应答不是 JSON</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="45"/>
        <source>answer is JSON but not the platform&apos;s envelope</source>
        <translation>应答是 JSON，但不是平台的标准格式</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="46"/>
        <source>connecting timed out</source>
        <translation>连接超时</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="47"/>
        <source>the platform did not answer in time</source>
        <translation>平台未在限定时间内应答</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="48"/>
        <source>TLS verification failed: {error}</source>
        <translation>证书校验失败：{error}</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="49"/>
        <source>could not connect: {error}</source>
        <translation>无法连接：{error}</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="50"/>
        <source>host not found: {error}</source>
        <translation>找不到主机：{error}</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="51"/>
        <source>connection lost before an answer: {error}</source>
        <translation>应答前连接中断：{error}</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="64"/>
        <source>transport failure ({kind}): {detail}</source>
        <translation>通信失败（{kind}）：{detail}</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="65"/>
        <source>transport failure ({kind}): {detail}; HTTP {http}</source>
        <translation>通信失败（{kind}）：{detail}；HTTP {http}</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="68"/>
        <source>transport failure ({kind}): {detail}; answer began: {excerpt}</source>
        <translation>通信失败（{kind}）：{detail}；应答开头：{excerpt}</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="71"/>
        <source>transport failure ({kind}): {detail}; HTTP {http}; answer began: {excerpt}</source>
        <translation>通信失败（{kind}）：{detail}；HTTP {http}；应答开头：{excerpt}</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="74"/>
        <source>platform refused: code {code}, message {message} (HTTP {http}) — {explanation}</source>
        <translation>平台拒绝：代码 {code}，消息 {message}（HTTP {http}）— {explanation}</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="77"/>
        <source>cancelled before the request was sent</source>
        <translation>请求发出前已取消</translation>
    </message>
    <message>
        <location filename="../../core/errors.py" line="78"/>
        <source>cancelled while waiting to retry</source>
        <translation>等待重试时已取消</translation>
    </message>
</context>
<context>
    <name>faults</name>
    <message>
        <location filename="../../core/faults.py" line="55"/>
        <source>{meaning}. Check: {check}</source>
        <translation>{meaning}。检查:{check}</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="87"/>
        <source>Slot missing</source>
        <translation>货道不存在</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="88"/>
        <source>the slot is not configured or not detected; check the slot setup on the machine</source>
        <translation>货道未配置或未检测到,检查机器上的货道设置</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="95"/>
        <source>Slot normal</source>
        <translation>货道正常</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="96"/>
        <source>nothing to do</source>
        <translation>无需处理</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="100"/>
        <source>Slot jammed</source>
        <translation>货道卡货</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="101"/>
        <source>open the cabinet and clear the stuck item from the spiral or belt</source>
        <translation>打开柜门,清除卡在弹簧或履带上的商品</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="107"/>
        <source>Slot motor fault</source>
        <translation>货道电机故障</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="108"/>
        <source>check the slot motor&apos;s plug and wiring; replace the motor if it does not turn</source>
        <translation>检查货道电机插头和接线,电机不转则更换</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="115"/>
        <source>Serial-port timeout</source>
        <translation>串口超时</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="116"/>
        <source>the control board did not answer; check the cable between the Android board and the control board, then restart the machine</source>
        <translation>控制板无应答,检查安卓主板与控制板之间的连线,然后重启机器</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="128"/>
        <source>The slot is not valid</source>
        <translation>货道无效</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="129"/>
        <source>check the slot name and the machine&apos;s slot configuration</source>
        <translation>检查货道名称和机器的货道配置</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="133"/>
        <source>No current in the motor or lock circuit</source>
        <translation>负载无电流</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="134"/>
        <source>check the plug and the wires of that slot&apos;s motor or lock</source>
        <translation>检查该货道电机或电磁锁的插头和接线</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="140"/>
        <source>The motor is short-circuited</source>
        <translation>过流</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="141"/>
        <source>unplug the slot&apos;s motor and check it and its wiring for a short</source>
        <translation>拔下该货道电机,检查电机及接线是否短路</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="147"/>
        <source>The motor turns but sends no feedback signal</source>
        <translation>反馈错误</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="148"/>
        <source>check the motor&apos;s feedback switch and its wire</source>
        <translation>检查电机反馈开关及其连线</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="152"/>
        <source>The drop sensor reports a problem</source>
        <translation>出货检测错误</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="153"/>
        <source>look for an item left on the lift and clean or check the drop sensor (light eye)</source>
        <translation>检查升降台上是否有遗留商品,清洁或检查掉货检测光眼</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="160"/>
        <source>No drop was detected: the item is jammed</source>
        <translation>商品卡住</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="161"/>
        <source>open the cabinet and free the item in that slot</source>
        <translation>打开柜门,取出卡住的商品</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="165"/>
        <source>The slot type does not match the configuration</source>
        <translation>货道类型错误</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="166"/>
        <source>check that the slot is set up as the right type (spiral, belt, lock)</source>
        <translation>检查货道类型设置(弹簧、履带、电磁锁)是否正确</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="172"/>
        <source>The slave board cannot be reached</source>
        <translation>从板通信错误</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="173"/>
        <source>check the wiring to the cabinet&apos;s slave board and its address setting</source>
        <translation>检查柜体从板的连线和地址设置</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="179"/>
        <source>The lift board did not answer in time</source>
        <translation>升降机通信错误</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="180"/>
        <source>check the lift board&apos;s cable and power</source>
        <translation>检查升降控制板的连线和电源</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="184"/>
        <source>The lift&apos;s upper limit switch is faulty</source>
        <translation>升降机上限位故障</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="185"/>
        <source>check the upper limit switch of the lift</source>
        <translation>检查升降机上限位开关</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="189"/>
        <source>The lift&apos;s lower limit switch is faulty</source>
        <translation>升降机下限位故障</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="190"/>
        <source>check the lower limit switch of the lift</source>
        <translation>检查升降机下限位开关</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="194"/>
        <source>An item was left on the lift</source>
        <translation>升降台有货</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="195"/>
        <source>remove the item from the lift and check the pickup door</source>
        <translation>取出升降台上的商品并检查取货门</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="199"/>
        <source>The lift motor has no current</source>
        <translation>升降电机断路</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="200"/>
        <source>check the lift motor&apos;s plug and wires</source>
        <translation>检查升降电机的插头和接线</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="204"/>
        <source>The lift motor is short-circuited</source>
        <translation>升降电机短路</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="205"/>
        <source>check the lift motor and its wiring for a short</source>
        <translation>检查升降电机及接线是否短路</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="209"/>
        <source>The lift encoder is faulty</source>
        <translation>升降编码器故障</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="210"/>
        <source>check the lift encoder and its cable</source>
        <translation>检查升降编码器及其连线</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="217"/>
        <source>The machine did not report a result within 120 s</source>
        <translation>机器120秒内未上报结果</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="218"/>
        <source>check that the machine is online; the item may or may not have dropped — ask the customer</source>
        <translation>检查机器是否在线;商品可能已出或未出,请向顾客确认</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="237"/>
        <source>Unknown slot status {raw!r}</source>
        <translation>未知货道状态 {raw!r}</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="238"/>
        <source>note the value and ask the platform&apos;s support</source>
        <translation>记录该值并咨询平台客服</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="254"/>
        <source>Unknown fault {raw!r}</source>
        <translation>未知故障 {raw!r}</translation>
    </message>
    <message>
        <location filename="../../core/faults.py" line="255"/>
        <source>note the text and ask the platform&apos;s support</source>
        <translation>记录该文字并咨询平台客服</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="73"/>
        <source>The machine reported a failure without saying why</source>
        <translation>机器报告出货失败但未说明原因</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="74"/>
        <source>run a test dispense of the slot and watch the machine</source>
        <translation>对该货道做一次测试出货并观察机器</translation>
    </message>
</context>
<context>
    <name>followup</name>
    <message>
        <location filename="../../core/followup.py" line="229"/>
        <location filename="../../core/followup.py" line="423"/>
        <source>{fault} — {meaning}</source>
        <translation>{fault} — {meaning}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="234"/>
        <location filename="../../core/followup.py" line="426"/>
        <source>no fault text given</source>
        <translation>未给出故障原因</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="238"/>
        <location filename="../../core/followup.py" line="429"/>
        <source>{failure}; slot status {floor}: {meaning}</source>
        <translation>{failure};货道状态 {floor}:{meaning}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="253"/>
        <location filename="../../core/followup.py" line="434"/>
        <source>no result within {timeout} s of the dispense and the platform could not say ({found}): the item MAY HAVE DROPPED — check before refunding</source>
        <translation>出货指令发出后 {timeout} 秒内没有结果，平台也无法确认（{found}）：商品可能已经掉落，退款前请先核实</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="298"/>
        <location filename="../../core/followup.py" line="536"/>
        <source>platform record (delivery {delivery})</source>
        <translation>平台出货记录(出货 {delivery})</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="301"/>
        <location filename="../../core/followup.py" line="539"/>
        <source>platform record</source>
        <translation>平台出货记录</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="305"/>
        <location filename="../../core/followup.py" line="542"/>
        <source>dispense action #{id} refused {code}</source>
        <translation>出货操作 #{id} 被拒绝 {code}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="309"/>
        <location filename="../../core/followup.py" line="545"/>
        <source>dispense action #{id} refused</source>
        <translation>出货操作 #{id} 被拒绝</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="312"/>
        <location filename="../../core/followup.py" line="546"/>
        <source>no result after {seconds} s</source>
        <translation>{seconds} 秒后仍无结果</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="315"/>
        <location filename="../../core/followup.py" line="547"/>
        <source>order record (the dispense&apos;s answer was lost)</source>
        <translation>订单记录(出货的应答已丢失)</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="324"/>
        <location filename="../../core/followup.py" line="442"/>
        <source>the platform refused the dispense: code {code} {message}</source>
        <translation>平台拒绝出货:代码 {code} {message}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="328"/>
        <location filename="../../core/followup.py" line="447"/>
        <source>the platform refused the dispense: code {code}</source>
        <translation>平台拒绝出货:代码 {code}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="330"/>
        <location filename="../../core/followup.py" line="452"/>
        <source>the platform refused the dispense: {message}</source>
        <translation>平台拒绝出货:{message}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="332"/>
        <location filename="../../core/followup.py" line="455"/>
        <source>the platform refused the dispense</source>
        <translation>平台拒绝出货</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="341"/>
        <location filename="../../core/followup.py" line="458"/>
        <source>{refused} ({explanation})</source>
        <translation>{refused}({explanation})</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="398"/>
        <source>set_status</source>
        <translation>设置状态</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="399"/>
        <source>dispense</source>
        <translation>出货</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="400"/>
        <source>test_dispense</source>
        <translation>测试出货</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="401"/>
        <source>order_create</source>
        <translation>新建订单</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="402"/>
        <source>delivery_query</source>
        <translation>查询出货记录</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="403"/>
        <source>order_get</source>
        <translation>查询订单</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="406"/>
        <source>ok</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="407"/>
        <source>refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="408"/>
        <source>transport</source>
        <translation>无应答</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="409"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="410"/>
        <source>sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="411"/>
        <source>outcome unknown</source>
        <translation>结果未知</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="414"/>
        <source>customer may need a refund</source>
        <translation>顾客可能需要退款</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="415"/>
        <source>result unknown — check before refunding</source>
        <translation>结果未知 — 退款前请先核实</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="416"/>
        <source>suspicious failure callback — do not refund</source>
        <translation>可疑的失败回调 — 请勿退款</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="463"/>
        <source>callback #{id} reports the item dropped (confirmed)</source>
        <translation>回调 #{id} 报告商品已掉落(已证实)</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="468"/>
        <source>{failure} — the platform did not confirm it ({verdict}: {detail})</source>
        <translation>{failure} — 平台未证实({verdict}:{detail})</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="475"/>
        <source>refused {code} {message}</source>
        <translation>被拒绝 {code} {message}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="480"/>
        <source>{found} after the platform&apos;s {timeout} s: nothing dropped</source>
        <translation>{found},已过平台的 {timeout} 秒:商品未掉落</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="486"/>
        <source>platform record (delivery {delivery}) says {said}</source>
        <translation>平台出货记录(出货 {delivery})显示 {said}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="491"/>
        <source>the platform shows record {record} as {label}</source>
        <translation>平台显示记录 {record} 为 {label}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="494"/>
        <source>picked up</source>
        <translation>已取货</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="495"/>
        <source>success</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="496"/>
        <source>still {status}</source>
        <translation>仍为 {status}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="497"/>
        <source>failed: {reason}</source>
        <translation>失败:{reason}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="498"/>
        <source>no delivery id and no record to ask about</source>
        <translation>没有出货编号,也没有可查询的记录</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="501"/>
        <source>platform not reachable: {error}</source>
        <translation>无法连接平台:{error}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="506"/>
        <source>the order&apos;s record {record} is picked up</source>
        <translation>订单的记录 {record} 已取货</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="511"/>
        <source>record {record} is not in order {order}</source>
        <translation>记录 {record} 不在订单 {order} 中</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="516"/>
        <source>no delivery id; the order&apos;s record {record} is {label}</source>
        <translation>没有出货编号;订单的记录 {record} 为 {label}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="633"/>
        <source>event {method}</source>
        <translation>事件 {method}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="634"/>
        <source>follow-up refund requested</source>
        <translation>跟进：已申请退款</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="635"/>
        <source>follow-up refunded</source>
        <translation>跟进：已退款</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="636"/>
        <source>follow-up dismissed</source>
        <translation>跟进：已关闭</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="639"/>
        <source>malformed: {reason}</source>
        <translation>格式错误：{reason}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="294"/>
        <location filename="../../core/followup.py" line="519"/>
        <source>callback #{id}</source>
        <translation>回调 #{id}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="520"/>
        <source>dispense action #{id}</source>
        <translation>出货操作 #{id}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="523"/>
        <source>the platform refused dispense action #{id} with {code} {message}</source>
        <translation>平台以 {code} {message} 拒绝了出货操作 #{id}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="530"/>
        <source>{found} (action #{id})</source>
        <translation>{found}(操作 #{id})</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="551"/>
        <source>{evidence}: {meaning}</source>
        <translation>{evidence}:{meaning}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="556"/>
        <source>confirmed failed ({evidence}): {meaning}</source>
        <translation>已证实失败({evidence}):{meaning}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="561"/>
        <source>{evidence}: {meaning} — but the item is already out ({out}): no refund is owed</source>
        <translation>{evidence}:{meaning} — 但商品已出({out}):无需退款</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="569"/>
        <source>closed by itself: the platform says the item is out ({evidence}); no refund is owed</source>
        <translation>已自动关闭:平台显示商品已出({evidence});无需退款</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="577"/>
        <source>the platform says the item is out ({evidence}) but a refund was already requested: check with the customer before paying it</source>
        <translation>平台显示商品已出({evidence}),但已申请退款:退款前请与顾客核实</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="585"/>
        <source>reported again ({source} #{id}): {meaning}</source>
        <translation>再次报告({source} #{id}):{meaning}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="590"/>
        <source>reported again ({source}): {meaning}</source>
        <translation>再次报告({source}):{meaning}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="595"/>
        <source>re-checked with the platform: {found}</source>
        <translation>已向平台复查:{found}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="602"/>
        <source>{kind} record {record}: {outcome}</source>
        <translation>{kind} 记录 {record}:{outcome}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="607"/>
        <source>{kind}: {outcome}</source>
        <translation>{kind}:{outcome}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="612"/>
        <source>{kind} record {record}: {outcome} ({code} {message})</source>
        <translation>{kind} 记录 {record}:{outcome}({code} {message})</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="617"/>
        <source>{kind}: {outcome} ({code} {message})</source>
        <translation>{kind}:{outcome}({code} {message})</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="622"/>
        <source>dispense record {record}: {found}</source>
        <translation>出货 记录 {record}:{found}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="625"/>
        <source>dispense: {found}</source>
        <translation>出货:{found}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="626"/>
        <source>follow-up opened: {reason}</source>
        <translation>已新建跟进:{reason}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="629"/>
        <source>callback: {summary}</source>
        <translation>回调:{summary}</translation>
    </message>
    <message>
        <location filename="../../core/followup.py" line="632"/>
        <source>unpaid order expired (platform event)</source>
        <translation>未支付订单已过期(平台事件)</translation>
    </message>
</context>
<context>
    <name>history</name>
    <message>
        <location filename="../../core/history.py" line="27"/>
        <source>action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="28"/>
        <source>action_result</source>
        <translation>操作结果</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="29"/>
        <location filename="../../core/history.py" line="43"/>
        <source>callback</source>
        <translation>回调</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="30"/>
        <source>followup</source>
        <translation>跟进</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="35"/>
        <source>opened</source>
        <translation>已创建</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="36"/>
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="37"/>
        <source>refund requested</source>
        <translation>已申请退款</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="38"/>
        <source>refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="39"/>
        <source>dismissed</source>
        <translation>已忽略</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="44"/>
        <source>timeout</source>
        <translation>超时无结果</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="45"/>
        <source>refused_dispense</source>
        <translation>出货被拒</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="46"/>
        <source>platform_record</source>
        <translation>平台出货记录</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="47"/>
        <source>order_record</source>
        <translation>订单记录</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="73"/>
        <source>{kind} record {record} sent to machine {machine} by {actor}</source>
        <translation>{kind} 记录 {record} 已发往设备 {machine}，操作人 {actor}</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="77"/>
        <source>{kind} record {record} sent to machine {machine}</source>
        <translation>{kind} 记录 {record} 已发往设备 {machine}</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="81"/>
        <source>{kind} sent to machine {machine} by {actor}</source>
        <translation>{kind} 已发往设备 {machine}，操作人 {actor}</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="83"/>
        <source>{kind} sent to machine {machine}</source>
        <translation>{kind} 已发往设备 {machine}</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="100"/>
        <source>{kind} record {record}: {state} (code {code}, {message})</source>
        <translation>{kind} 记录 {record}：{state}（代码 {code}，{message}）</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="102"/>
        <source>{kind} record {record}: {state}</source>
        <translation>{kind} 记录 {record}：{state}</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="106"/>
        <source>{kind}: {state} (code {code}, {message})</source>
        <translation>{kind}：{state}（代码 {code}，{message}）</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="108"/>
        <source>{kind}: {state}</source>
        <translation>{kind}：{state}</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="117"/>
        <source>callback {summary}</source>
        <translation>回调 {summary}</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="123"/>
        <source>{line} (repeat of #{id})</source>
        <translation>{line}（重复 #{id}）</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="130"/>
        <source>{line} (replay of #{id})</source>
        <translation>{line}（重放 #{id}）</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="143"/>
        <source>follow-up #{id} opened ({source}): {reason}</source>
        <translation>跟进 #{id} 已创建（{source}）：{reason}</translation>
    </message>
    <message>
        <location filename="../../core/history.py" line="153"/>
        <source>follow-up #{id} {event}</source>
        <translation>跟进 #{id} {event}</translation>
    </message>
</context>
<context>
    <name>log</name>
    <message>
        <location filename="../../tasks/logwords.py" line="27"/>
        <source>uncaught error</source>
        <translation>未捕获的错误</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="28"/>
        <source>no %s translation found: the window stays in English</source>
        <translation>找不到 %s 翻译：窗口保持英文</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="29"/>
        <source>order %s: the platform&apos;s trade id differs from the journal&apos;s (%s): another order with the same id; the earlier one&apos;s history is kept apart</source>
        <translation>订单 %s：平台的交易号与日志记录的不同（%s）：这是同号的另一个订单；之前那个的历史单独保留</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="34"/>
        <source>action %s (%s): %s</source>
        <translation>操作 %s（%s）：%s</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="35"/>
        <source>callback claims to replay #%s, which %s; recorded as received</source>
        <translation>回调声称重放 #%s，但该回调：%s；按新收到的回调记录</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="36"/>
        <source>a batch of %d callbacks could not be committed; trying each on its own</source>
        <translation>一批 %d 个回调未能提交；逐个重试</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="41"/>
        <source>too many connections (%d): one refused</source>
        <translation>连接过多（%d）：已拒绝一个</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="45"/>
        <source>ignored a malformed %s header</source>
        <translation>已忽略格式错误的 %s 请求头</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="46"/>
        <source>malformed callback #%s from %s: %s</source>
        <translation>格式错误的回调 #%s（来自 %s）：%s</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="39"/>
        <source>serving a request from %s failed; its connection is closed</source>
        <translation>处理来自 %s 的请求失败，已关闭该连接</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="40"/>
        <source>the HTTP server failed; it stops</source>
        <translation>HTTP 服务出错，已停止</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="42"/>
        <source>group commit failed</source>
        <translation>批量写入日志失败</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="43"/>
        <source>health check: the journal cannot be read: %s: %s</source>
        <translation>健康检查：无法读取日志：%s：%s</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="44"/>
        <source>an after-answer step failed for callback #%s</source>
        <translation>回调 #%s 应答后的处理步骤失败</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="47"/>
        <source>could not journal %s; answered 500 so it may be re-sent</source>
        <translation>无法记录 %s；已回复 500，平台可重新发送</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="48"/>
        <source>the journal commits again after %d s; %d callback(s) were answered 503 meanwhile</source>
        <translation>日志在 %d 秒后恢复写入；其间有 %d 个回调被回复 503</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="51"/>
        <source>the journal is unavailable (%s: %s): callbacks are answered 503 so the platform re-sends them</source>
        <translation>日志不可用（%s：%s）：回调一律回复 503，以便平台重新发送</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="56"/>
        <source>on_callback failed for callback #%s</source>
        <translation>回调 #%s 的界面通知失败</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="57"/>
        <source>cross-check queue full (%d waiting): %d new result(s) left unchecked so far, the latest #%s; the platform is asked at a bounded pace</source>
        <translation>核对队列已满（%d 个等待）：至今有 %d 个新结果未核对，最近的是 #%s；向平台查询的速度有上限</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="62"/>
        <source>cross-check failed for callback #%s</source>
        <translation>回调 #%s 的核对失败</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="63"/>
        <source>callback #%s left unchecked for now: %s</source>
        <translation>回调 #%s 暂未核对：%s</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="64"/>
        <source>journal lease of session %s not renewed: %s</source>
        <translation>日志会话 %s 的租约未能续期：%s</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="65"/>
        <source>%s=%r is not 1 to 600 seconds: the lease stays %s s</source>
        <translation>%s=%r 不是 1 到 600 秒：租约保持 %s 秒</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="66"/>
        <source>could not store the cross-check of callback #%s</source>
        <translation>无法保存回调 #%s 的核对结果</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="67"/>
        <source>on_cross_checked failed for callback #%s</source>
        <translation>回调 #%s 的核对结果通知失败</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="68"/>
        <source>sandbox callback to %s failed</source>
        <translation>沙盒发往 %s 的回调失败</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="69"/>
        <source>sandbox state file %s cannot be read (%s): starting a fresh world</source>
        <translation>无法读取沙盒状态文件 %s（%s）：从全新状态开始</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="70"/>
        <source>sandbox state file %s is not usable (%s); it was %s; starting a fresh world</source>
        <translation>沙盒状态文件 %s 不可用（%s）；该文件：%s；从全新状态开始</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="73"/>
        <source>sandbox state not saved to %s: %s</source>
        <translation>沙盒状态未保存到 %s：%s</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="74"/>
        <source>sandbox scheduler did not catch up with the clock in time</source>
        <translation>沙盒调度器未能及时赶上时钟</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="75"/>
        <source>sandbox event %s failed</source>
        <translation>沙盒事件 %s 失败</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="76"/>
        <source>sandbox failed serving %s</source>
        <translation>沙盒处理 %s 失败</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="77"/>
        <source>sandbox failed on %s %s</source>
        <translation>沙盒处理 %s %s 失败</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="78"/>
        <source>no context for the cross-check of callback #%s</source>
        <translation>回调 #%s 的核对缺少上下文</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="79"/>
        <source>background task %r failed</source>
        <translation>后台任务 %r 失败</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="80"/>
        <source>work on the %s pool did not finish within %s ms</source>
        <translation>%s 线程池的工作未在 %s 毫秒内完成</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="85"/>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="86"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../tasks/logwords.py" line="87"/>
        <source>critical</source>
        <translation>严重错误</translation>
    </message>
</context>
<context>
    <name>logfeed</name>
    <message>
        <location filename="../../tasks/logfeed.py" line="104"/>
        <source>→ {method} {path}  [{action}] (try {attempt})</source>
        <translation>→ {method} {path}  [{action}](第 {attempt} 次尝试)</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="113"/>
        <source>→ {method} {path}  [{action}]</source>
        <translation>→ {method} {path}  [{action}]</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="140"/>
        <source>× {action}: {error} after {ms} ms</source>
        <translation>× [{action}] {ms} 毫秒后:{error}</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="153"/>
        <source>code {code} {message}</source>
        <translation>代码 {code} {message}</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="165"/>
        <source>{mark} HTTP {status} {path}  [{action}] {head} in {ms} ms</source>
        <translation>{mark} HTTP {status} {path}  [{action}] {head},用时 {ms} 毫秒</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="192"/>
        <source>REPLAY of #{id}</source>
        <translation>重放自 #{id}</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="196"/>
        <source>repeat of #{id}</source>
        <translation>重复 #{id}</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="200"/>
        <source>follow-up #{id}</source>
        <translation>跟进 #{id}</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="208"/>
        <source>{marks}; {mark}</source>
        <translation>{marks}；{mark}</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="212"/>
        <source>⇠ callback #{id}: {summary}  ({marks})</source>
        <translation>⇠ 回调 #{id}：{summary}（{marks}）</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="220"/>
        <source>⇠ callback #{id}: {summary}</source>
        <translation>⇠ 回调 #{id}：{summary}</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="268"/>
        <source>⇠ callback #{id} cross-check: {verdict} — {detail}</source>
        <translation>⇠ 回调 #{id} 核对：{verdict} — {detail}</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="332"/>
        <source>{level}: {message}</source>
        <translation>{level}：{message}</translation>
    </message>
    <message>
        <location filename="../../tasks/logfeed.py" line="338"/>
        <source>{level}: {message} ({kind}: {error})</source>
        <translation>{level}：{message}（{kind}：{error}）</translation>
    </message>
</context>
<context>
    <name>models</name>
    <message>
        <location filename="../../ui/models.py" line="38"/>
        <source>open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="39"/>
        <source>refund requested</source>
        <translation>已申请退款</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="40"/>
        <source>refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="41"/>
        <source>dismissed</source>
        <translation>已忽略</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="144"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="145"/>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="147"/>
        <location filename="../../ui/models.py" line="307"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="149"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="149"/>
        <source>OFFLINE</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="158"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="187"/>
        <location filename="../../ui/models.py" line="294"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="188"/>
        <location filename="../../ui/models.py" line="299"/>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="189"/>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="190"/>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="192"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="197"/>
        <source>Notified</source>
        <translation>已通知</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="199"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="201"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="205"/>
        <source>Last dispense</source>
        <translation>最近出货</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="232"/>
        <source>callback #{id}</source>
        <translation>回调 #{id}</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="235"/>
        <source>platform record (delivery {delivery})</source>
        <translation>平台出货记录（出货单 {delivery}）</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="238"/>
        <source>platform record</source>
        <translation>平台出货记录</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="241"/>
        <source>dispense action #{id} refused {code}</source>
        <translation>出货操作 #{id} 被拒绝 {code}</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="244"/>
        <source>dispense action #{id} refused</source>
        <translation>出货操作 #{id} 被拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="246"/>
        <source>no result after {seconds} s</source>
        <translation>{seconds} 秒后仍无结果</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="255"/>
        <source>the console</source>
        <translation>控制台</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="267"/>
        <source>product {id}</source>
        <translation>商品 {id}</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="271"/>
        <source>{who}, {when}</source>
        <translation>{who}，{when}</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="289"/>
        <source>Opened (local)</source>
        <translation>创建时间（本地）</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="300"/>
        <source>Paid on (platform date)</source>
        <translation>付款日期（平台日期）</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="290"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="291"/>
        <source>Trade id</source>
        <translation>交易号</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="292"/>
        <location filename="../../ui/models.py" line="337"/>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="297"/>
        <source>Machine</source>
        <translation>机器</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="298"/>
        <source>Slot</source>
        <translation>货道</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="302"/>
        <source>What happened</source>
        <translation>发生了什么</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="306"/>
        <source>Evidence</source>
        <translation>依据</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="308"/>
        <source>Last change</source>
        <translation>最后修改</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="310"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="322"/>
        <source>{order} · machine {machine} · {activity}</source>
        <translation>{order} · 机器 {machine} · {activity}</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="330"/>
        <source>{n} follow-ups</source>
        <translation>{n} 个跟进</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="330"/>
        <source>{n} follow-up</source>
        <translation>{n} 个跟进</translation>
    </message>
</context>
<context>
    <name>status</name>
    <message>
        <location filename="../../core/status.py" line="83"/>
        <source>paid</source>
        <translation>支付成功</translation>
    </message>
    <message>
        <location filename="../../core/status.py" line="84"/>
        <source>moved to refund</source>
        <translation>转入退款</translation>
    </message>
    <message>
        <location filename="../../core/status.py" line="85"/>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../core/status.py" line="86"/>
        <source>revoked</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../core/status.py" line="87"/>
        <source>customer paying</source>
        <translation>用户支付中</translation>
    </message>
    <message>
        <location filename="../../core/status.py" line="88"/>
        <source>payment failed</source>
        <translation>支付失败</translation>
    </message>
    <message>
        <location filename="../../core/status.py" line="89"/>
        <source>not paid yet</source>
        <translation>未支付</translation>
    </message>
    <message>
        <location filename="../../core/status.py" line="90"/>
        <source>pickup-code order</source>
        <translation>取货码订单</translation>
    </message>
    <message>
        <location filename="../../core/status.py" line="132"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../core/status.py" line="141"/>
        <source>cancelled</source>
        <translation>订单取消</translation>
    </message>
    <message>
        <location filename="../../core/status.py" line="142"/>
        <source>picked up</source>
        <translation>已取货</translation>
    </message>
    <message>
        <location filename="../../core/status.py" line="143"/>
        <source>not picked up</source>
        <translation>未取货</translation>
    </message>
</context>
<context>
    <name>texts</name>
    <message>
        <location filename="../../ui/texts.py" line="151"/>
        <source>The platform could not be reached: check the network and the profile&apos;s base URL.</source>
        <translation>无法连接平台：请检查网络和配置中的平台地址。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="155"/>
        <source>Connecting to the platform timed out: check the network.</source>
        <translation>连接平台超时：请检查网络。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="158"/>
        <source>The platform did not answer in time.</source>
        <translation>平台未能及时应答。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="159"/>
        <source>The connection dropped before the platform answered.</source>
        <translation>平台应答前连接已断开。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="162"/>
        <source>The platform&apos;s certificate could not be verified: the connection was not trusted.</source>
        <translation>无法验证平台的证书：该连接不可信。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="166"/>
        <source>The platform&apos;s answer was not the usual JSON (a proxy or error page?).</source>
        <translation>平台的应答不是通常的 JSON（可能是代理或错误页面？）。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="169"/>
        <source>The platform&apos;s answer was JSON but not in its usual shape.</source>
        <translation>平台的应答是 JSON，但格式与通常不同。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="188"/>
        <source>The platform answered code 0 with “{message}” instead of “ok”</source>
        <translation>平台返回代码 0，消息为“{message}”而不是“ok”</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="192"/>
        <source>The platform refused: code {code} “{message}”</source>
        <translation>平台拒绝：代码 {code}“{message}”</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="195"/>
        <source>{head} — {explanation} (HTTP {http}).</source>
        <translation>{head} — {explanation}（HTTP {http}）。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="203"/>
        <source>No usable answer from the platform.</source>
        <translation>平台没有返回可用的应答。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="206"/>
        <source> HTTP {http}.</source>
        <translation> HTTP {http}。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="208"/>
        <source> The answer began: “{excerpt}”.</source>
        <translation> 应答开头为：“{excerpt}”。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="212"/>
        <source> The request may have reached the platform: open the order again to check before trying again.</source>
        <translation> 请求可能已到达平台：再次尝试前请重新打开订单进行检查。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="222"/>
        <source>Cancelled before the request was sent: nothing was changed.</source>
        <translation>请求发送前已取消：没有任何更改。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="224"/>
        <source>The profile&apos;s settings cannot be used: {error}</source>
        <translation>配置中的设置无法使用：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="230"/>
        <source>The callback receiver cannot listen on port {port}: another program is using it. Choose another receiver port in File ▸ Profiles…, or close that program.</source>
        <translation>回调接收端无法监听端口 {port}：另一个程序正在使用它。请在“文件 ▸ 配置…”中换一个接收端口，或关闭那个程序。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="236"/>
        <source>A system error stopped this: {error}</source>
        <translation>系统错误导致操作中止：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="237"/>
        <source>Unexpected error ({kind}): {error}</source>
        <translation>意外错误（{kind}）：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="262"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="273"/>
        <source>{product} (id {id})</source>
        <translation>{product}（编号 {id}）</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="279"/>
        <source>{date} (platform date)</source>
        <translation>{date}（平台日期）</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="294"/>
        <source>age unknown — the platform gives only the date{date}; it refuses to dispense orders older than 20 minutes</source>
        <translation>订单时长未知 — 平台只提供日期{date}；超过 20 分钟的订单平台会拒绝出货</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="304"/>
        <source>expired: created here {minutes} min ago — the platform refuses to dispense it</source>
        <translation>已过期：{minutes} 分钟前在此创建 — 平台会拒绝出货</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="309"/>
        <source>expired: first seen here {minutes} min ago — the platform refuses to dispense it</source>
        <translation>已过期：{minutes} 分钟前在此首次看到 — 平台会拒绝出货</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="316"/>
        <source>{mm:02d}:{ss:02d} left to dispense (created here at {clock} local time)</source>
        <translation>剩余 {mm:02d}:{ss:02d} 可出货（于本地时间 {clock} 在此创建）</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="320"/>
        <source>at most {mm:02d}:{ss:02d} left (first seen here at {clock} local time; the order may be older)</source>
        <translation>最多剩余 {mm:02d}:{ss:02d}（于本地时间 {clock} 在此首次看到；订单可能更早）</translation>
    </message>
</context>
<context>
    <name>troubleshoot.checks</name>
    <message>
        <location filename="../../troubleshoot/checks.py" line="61"/>
        <source>vending</source>
        <translation>自动售货机</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="62"/>
        <source>amusement</source>
        <translation>娱乐机</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="63"/>
        <source>claw</source>
        <translation>娃娃机</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="64"/>
        <source>borrow</source>
        <translation>租借机</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="65"/>
        <source>return</source>
        <translation>归还机</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="66"/>
        <source>locker</source>
        <translation>储物柜</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="221"/>
        <source>unknown: the platform sent no Date header</source>
        <translation>未知:平台未返回 Date 头</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="227"/>
        <source>Could not compare this computer&apos;s clock with the platform&apos;s.</source>
        <translation>无法比较本机时钟与平台时钟。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="241"/>
        <source>in step with the platform (difference {size:.0f} s)</source>
        <translation>与平台时间一致(相差 {size:.0f} 秒)</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="248"/>
        <source>ahead of</source>
        <translation>快于</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="250"/>
        <source>behind</source>
        <translation>慢于</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="257"/>
        <source>this computer&apos;s clock is {duration} {how} the platform&apos;s: payload timestamps may be refused</source>
        <translation>本机时钟{how}平台 {duration}:请求的时间戳可能被拒绝</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="266"/>
        <source>Set this computer&apos;s clock right (turn on automatic time / NTP). Signed payloads carry this computer&apos;s time and the platform may refuse them.</source>
        <translation>请校准本机时钟(开启自动对时/NTP)。签名请求带有本机时间,平台可能拒绝。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="277"/>
        <source>{seconds:.0f} s</source>
        <translation>{seconds:.0f} 秒</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="282"/>
        <source>{minutes:.0f} min</source>
        <translation>{minutes:.0f} 分钟</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="285"/>
        <source>{hours:.1f} h</source>
        <translation>{hours:.1f} 小时</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="318"/>
        <source>The machine list could not be read: {listing_error}</source>
        <translation>无法读取机器列表:{listing_error}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="333"/>
        <source>{label}: not in this merchant&apos;s machine list</source>
        <translation>{label}:不在本商户的机器列表中</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="340"/>
        <source>The platform answers for the machine but does not list it: check that it is bound to this merchant.</source>
        <translation>平台能查询到该机器,但列表中没有:请确认机器已绑定到本商户。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="354"/>
        <source>machine {no}: {detail_error}</source>
        <translation>机器 {no}:{detail_error}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="364"/>
        <source>; last notice: {notice}</source>
        <translation>;最近通知:{notice}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="375"/>
        <source>OFFLINE{last}</source>
        <translation>离线{last}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="378"/>
        <source>The platform cannot reach the machine: dispenses will be refused. Check its power and network (SIM / Wi-Fi), then restart the vending app.</source>
        <translation>平台无法连接机器,出货会被拒绝。请检查电源和网络(SIM 卡/Wi-Fi),然后重启售货应用。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="392"/>
        <source>online, but not in operation{last}</source>
        <translation>在线,但未营业{last}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="397"/>
        <source>The machine is switched out of operation on the platform.</source>
        <translation>机器在平台上被设为停止营业。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="409"/>
        <source>online{last}</source>
        <translation>在线{last}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="422"/>
        <source>the platform reports no cabinets</source>
        <translation>平台未返回柜体</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="430"/>
        <source>not reported</source>
        <translation>平台未返回机器类型</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="444"/>
        <source>type {type} (unknown)</source>
        <translation>类型 {type}(未知)</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="461"/>
        <source>not set: prices show without a currency</source>
        <translation>未设置:价格不显示币种</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="478"/>
        <source>the platform lists no slots</source>
        <translation>平台未返回任何货道</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="490"/>
        <source>{faulty} faulty ({slots})</source>
        <translation>故障 {faulty} 个({slots})</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="499"/>
        <source>{empty} empty ({slots})</source>
        <translation>缺货 {empty} 个({slots})</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="508"/>
        <source>{low} low ({slots})</source>
        <translation>库存低 {low} 个({slots})</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="513"/>
        <source>{total} slots</source>
        <translation>共 {total} 个货道</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="518"/>
        <source>{head}, all stocked</source>
        <translation>{head},库存正常</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="522"/>
        <source>{head}: {parts}</source>
        <translation>{head}:{parts}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="524"/>
        <source>; </source>
        <translation>;</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="535"/>
        <source>last {days} days</source>
        <translation>最近 {days} 天</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="543"/>
        <source>no failed dispense in the journal ({results} results, {window})</source>
        <translation>日志中无出货失败({window}共 {results} 次结果)</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="555"/>
        <source>slot unknown</source>
        <translation>货道未知</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="562"/>
        <source>{count} failed dispense in the {window}, {today} today: {slots}</source>
        <translation>{window}出货失败 {count} 次,今天 {today} 次:{slots}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="567"/>
        <source>{count} failed dispenses in the {window}, {today} today: {slots}</source>
        <translation>{window}出货失败 {count} 次,今天 {today} 次:{slots}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="574"/>
        <source>, </source>
        <translation>,</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="624"/>
        <source>not checked: the platform did not answer the ping ({ping_error})</source>
        <translation>未检查:平台未响应 ping({ping_error})</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="638"/>
        <source>Check this computer&apos;s network, the profile&apos;s base URL and its credentials.</source>
        <translation>请检查本机网络、配置的平台地址和凭据。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="669"/>
        <source>not found on the platform (code {code}, {message})</source>
        <translation>平台上找不到该机器(代码 {code},{message})</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="687"/>
        <source>the platform answered in {ms:.0f} ms (slow)</source>
        <translation>平台响应用时 {ms:.0f} 毫秒(较慢)</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="691"/>
        <source>the platform answered in {ms:.0f} ms</source>
        <translation>平台响应用时 {ms:.0f} 毫秒</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="698"/>
        <source>{url}: calls may time out</source>
        <translation>{url}:请求可能超时</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="753"/>
        <source>could not read the slots: {products_error}</source>
        <translation>无法读取货道:{products_error}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/checks.py" line="771"/>
        <source>the journal could not be read: {history_error}</source>
        <translation>无法读取日志:{history_error}</translation>
    </message>
</context>
<context>
    <name>troubleshoot.history</name>
    <message>
        <location filename="../../troubleshoot/history.py" line="192"/>
        <source>slot status {floor_status}</source>
        <translation>货道状态 {floor_status}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="195"/>
        <source>no reason given</source>
        <translation>未说明原因</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="208"/>
        <source> (slot status {floor_status}: {floor_meaning})</source>
        <translation>(货道状态 {floor_status}:{floor_meaning})</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="216"/>
        <source>{head}: {meaning}</source>
        <translation>{head}:{meaning}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="261"/>
        <source>slot {slot}</source>
        <translation>货道 {slot}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="266"/>
        <source>product {product_id} (slot unknown)</source>
        <translation>商品 {product_id}(货道未知)</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="271"/>
        <source>order {order_id} record {record_id} (slot unknown)</source>
        <translation>订单 {order_id} 记录 {record_id}(货道未知)</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="280"/>
        <source>test dispense</source>
        <translation>测试出货</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="282"/>
        <source>dispense</source>
        <translation>出货</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="285"/>
        <source> (platform record)</source>
        <translation>(平台出货记录)</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="289"/>
        <source>OK</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="294"/>
        <source>FAILED — {fault}</source>
        <translation>失败 — {fault}</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="339"/>
        <source> ({failures} in {window}, last {last})</source>
        <translation>({window}{failures},最近一次 {last})</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="343"/>
        <location filename="../../troubleshoot/history.py" line="518"/>
        <source>{count} failure</source>
        <translation>失败 {count} 次</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="344"/>
        <location filename="../../troubleshoot/history.py" line="519"/>
        <source>{count} failures</source>
        <translation>失败 {count} 次</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="486"/>
        <source>In {window}: {results}, {failed} failed ({n_today} today).</source>
        <translation>{window}:{results},失败 {failed} 次(今天 {n_today} 次)。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="494"/>
        <source>{count} dispense result</source>
        <translation>出货结果 {count} 次</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="495"/>
        <source>{count} dispense results</source>
        <translation>出货结果 {count} 次</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="511"/>
        <source>{failures} on a slot the journal cannot tell (orders {orders}): {faults}.</source>
        <translation>{failures},无法确定货道(订单 {orders}):{faults}。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="542"/>
        <source>Slot {slot} failed {times} ({when}; last {last}): {faults}.</source>
        <translation>货道 {slot} 失败 {times}({when};最近 {last}):{faults}。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="550"/>
        <source>{count} time</source>
        <translation>{count} 次</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="551"/>
        <source>{count} times</source>
        <translation>{count} 次</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="573"/>
        <source>{requests} refused by the platform (last: code {code}, {said}).</source>
        <translation>平台拒绝了 {requests}(最近:代码 {code},{said})。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="580"/>
        <source>{count} dispense request</source>
        <translation>{count} 次出货请求</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="581"/>
        <source>{count} dispense requests</source>
        <translation>{count} 次出货请求</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="591"/>
        <source>{reports} the platform does not confirm (cross-check: suspicious): not counted.</source>
        <translation>{reports}未得到平台证实(核对结果:可疑),未计入。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="598"/>
        <source>{count} failure report</source>
        <translation>{count} 次失败回调</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="599"/>
        <source>{count} failure reports</source>
        <translation>{count} 次失败回调</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="607"/>
        <source>{results} could belong to this machine or another with the same slot name: not counted.</source>
        <translation>{results}无法确定属于本机还是同名货道的其他机器,未计入。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="614"/>
        <source>{count} test-dispense result</source>
        <translation>{count} 次测试出货结果</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="615"/>
        <source>{count} test-dispense results</source>
        <translation>{count} 次测试出货结果</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="462"/>
        <location filename="../../troubleshoot/history.py" line="665"/>
        <source>the last {days} days</source>
        <translation>最近 {days} 天</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="464"/>
        <location filename="../../troubleshoot/history.py" line="667"/>
        <source>the last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="474"/>
        <source>No dispense results for this machine in the journal in {window}.</source>
        <translation>日志中{window}没有本机的出货结果。</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="527"/>
        <source>{today} today</source>
        <translation>今天 {today} 次</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="531"/>
        <source>{today} today, {failures} in {window}</source>
        <translation>今天 {today} 次,{window}共 {failures} 次</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/history.py" line="563"/>
        <source>{unknown_slot} slot unknown</source>
        <translation>{unknown_slot} 次货道未知</translation>
    </message>
</context>
<context>
    <name>troubleshoot.slots</name>
    <message>
        <location filename="../../troubleshoot/slots.py" line="27"/>
        <source>Faulty</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/slots.py" line="28"/>
        <source>Empty</source>
        <translation>缺货</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/slots.py" line="29"/>
        <source>Low stock</source>
        <translation>库存低</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/slots.py" line="30"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/slots.py" line="34"/>
        <source>faulty</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/slots.py" line="35"/>
        <source>empty</source>
        <translation>缺货</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/slots.py" line="36"/>
        <source>low stock</source>
        <translation>库存低</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/slots.py" line="37"/>
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/slots.py" line="95"/>
        <source>{stock} of {capacity}</source>
        <translation>{stock}/{capacity} 件</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/slots.py" line="104"/>
        <source>; also {status} ({stock})</source>
        <translation>;且{status}({stock})</translation>
    </message>
    <message>
        <location filename="../../troubleshoot/slots.py" line="113"/>
        <source>{word} ({stock})</source>
        <translation>{word}({stock})</translation>
    </message>
</context>
<context>
    <name>vendctl</name>
    <message>
        <location filename="../../cli.py" line="1103"/>
        <source>Faulty slots:</source>
        <translation>故障货道:</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1111"/>
        <source>Dispense history (this computer&apos;s journal):</source>
        <translation>出货记录(本机日志):</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1596"/>
        <source>OPEN</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1597"/>
        <source>REFUND_REQUESTED</source>
        <translation>已申请退款</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1598"/>
        <source>REFUNDED</source>
        <translation>已退款</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1599"/>
        <source>DISMISSED</source>
        <translation>已忽略</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1622"/>
        <source>#{id}  {state}  order {order} record {record} on machine {machine}  {time}</source>
        <translation>#{id}  {state}  订单 {order} 记录 {record} 机器 {machine}  {time}</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1630"/>
        <source>#{id}  {state}  order {order} on machine {machine}  {time}</source>
        <translation>#{id}  {state}  订单 {order} 机器 {machine}  {time}</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1638"/>
        <source>product {id}</source>
        <translation>商品 {id}</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1640"/>
        <source>product ?</source>
        <translation>商品 ?</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1642"/>
        <source>amount {amount}  trade {trade}  slot {slot}  {product}  paid on {date}</source>
        <translation>金额 {amount}  交易号 {trade}  货道 {slot}  {product}  支付日期 {date}</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1653"/>
        <source>{reason}: {meaning}</source>
        <translation>{reason}:{meaning}</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1658"/>
        <source>evidence: {evidence}  last change: {who} at {when}</source>
        <translation>依据:{evidence}  最近更改:{who},{when}</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1664"/>
        <source>note: </source>
        <translation>备注:</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1851"/>
        <source>order {order} is not in the journal</source>
        <translation>日志中没有订单 {order}</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1855"/>
        <source>age unknown</source>
        <translation>创建时间未知</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1857"/>
        <source>first seen {time}</source>
        <translation>首次出现于 {time}</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1861"/>
        <source>order {order} on machine {machine} ({age})</source>
        <translation>订单 {order}，设备 {machine}（{age}）</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1947"/>
        <source>no dispense has waited more than {seconds} s for its result</source>
        <translation>没有等待结果超过 {seconds} 秒的出货</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1958"/>
        <source>OK</source>
        <translation>确认无误</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1959"/>
        <source>SUSPICIOUS</source>
        <translation>可疑</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1960"/>
        <source>UNCHECKED</source>
        <translation>未核对</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1961"/>
        <source>ERROR</source>
        <translation>核对出错</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1975"/>
        <source>callback #{callback} (order {order} record {record}, {outcome}) had not been confirmed: cross-check {verdict} — {detail}</source>
        <translation>回调 #{callback}（订单 {order} 记录 {record}，{outcome}）此前未经确认：核对结果 {verdict} — {detail}</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1990"/>
        <source>{line} → follow-up #{id}</source>
        <translation>{line} → 跟进 #{id}</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="1999"/>
        <source>follow-up #{id}: result unknown — check before refunding</source>
        <translation>跟进 #{id}：结果未知 — 退款前请先核实</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="2002"/>
        <source>follow-up #{id} still unknown: asked again later by itself</source>
        <translation>跟进 #{id} 仍未知：稍后会自动再次查询</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="2005"/>
        <source>follow-up #{id}: it failed — the customer may need a refund</source>
        <translation>跟进 #{id}：出货失败 — 顾客可能需要退款</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="2008"/>
        <source>the item is out: follow-up #{id} closed by itself, no refund owed</source>
        <translation>商品已出：跟进 #{id} 已自动关闭，无需退款</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="2030"/>
        <source>order {order} record {record} (delivery {delivery}, sent {time})</source>
        <translation>订单 {order} 记录 {record}（出货单 {delivery}，发出于 {time}）</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="2037"/>
        <source>order {order} (delivery {delivery}, sent {time})</source>
        <translation>订单 {order}（出货单 {delivery}，发出于 {time}）</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="2041"/>
        <source>result recorded, no follow-up</source>
        <translation>结果已记录，无需跟进</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="2043"/>
        <source>nothing to do (its result came meanwhile)</source>
        <translation>无需处理（结果已在此期间到达）</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="2045"/>
        <source>follow-up #{id} opened: the customer may need a refund</source>
        <translation>已创建跟进 #{id}：顾客可能需要退款</translation>
    </message>
    <message>
        <location filename="../../cli.py" line="2050"/>
        <source>{head}: platform says {found} → {then}</source>
        <translation>{head}：平台显示 {found} → {then}</translation>
    </message>
</context>
</TS>
