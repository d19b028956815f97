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

## lastmile status, at a terminal

cli-device = デバイス
cli-keys = キー
cli-keys-none = 見つかりません
cli-key = キー
cli-key-unknown-model = 不明なモデル
cli-platform = プラットフォーム
cli-tpm = TPM
cli-server = サーバー
cli-server-not-configured = 未設定
cli-server-reachable = 接続可能
cli-server-unreachable = 接続不可
cli-clock = 時計
cli-joined = 参加
cli-joined-as = { $organisation }（{ $email }）
cli-joined-no = いいえ
cli-standing = 状況
cli-next = 次の手順
cli-next-command = { $step }: { $command }

## lastmile clock, and the clock warnings of lastmile enroll totp and lastmile recover

cli-clock-unmeasured = 時計を測定できませんでした。
cli-clock-is = このデバイスの時計は{ $offset } { $uncertainty }: { $verdict ->
    [ok] 認証コードに問題ありません。
    [warn] 認証コードが失敗することがあります。
   *[fail] 認証コードは失敗します。
}
cli-clock-offset-ntp = { $direction ->
    [ahead] NTP サーバー { $server } より { $amount } 進んでいます
    [behind] NTP サーバー { $server } より { $amount } 遅れています
   *[same] NTP サーバー { $server } と一致しています
}
cli-clock-ntp-unmeasured = NTP サーバー { $server }: 測定できません（{ $reason }）
cli-clock-note = 注意: { $note }。
cli-clock-fix = 直し方:
cli-clock-totp-warning = 警告: このデバイスの時計は{ $offset }。コードは時刻から計算されるため、先にこのデバイスとスマートフォンの時計を直してください:
cli-clock-recover-note = 注意: このデバイスの時計は{ $offset }。回復はできますが、認証アプリを設定する前に時計を直してください:
