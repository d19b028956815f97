# ウィンドウ以外のアプリの言葉：通知領域のメニューとリマインダー。

tray-title = Lastmile
tray-open = Lastmile を開く
tray-quit = Lastmile を終了
tray-standing-met = { $organisation } のポリシーを満たしています
tray-standing-excepted = { $organisation } の例外が適用されています
tray-standing-gap = { $organisation } からあと 1 ステップのお願いがあります
tray-standing-unknown = { $organisation } に参加済み（状況はまだ不明）
tray-not-set-up = まだ設定されていません
tray-join = 組織に参加する…
tray-fix = Lastmile を開いて修正する…
tray-step = { $step }…
reminder-summary = { $organisation } から MFA の設定を完了するよう求められています
reminder-body = { $days ->
    [none] 次の手順: { $step }。Lastmile を開いてください（1 分ほどで終わります）。
   *[other] { $days } 日以内の次の手順: { $step }。Lastmile を開いてください（1 分ほどで終わります）。
}
