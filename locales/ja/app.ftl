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

## The terminal's journeys: lastmile enroll, key pin, recover and join

cli-totp-scan = { $recommended ->
    [none] 認証アプリ（Microsoft Authenticator、Google Authenticator、1Password、Authy など）でこの QR コードを読み取ってください:
   *[some] { $organisation } が推奨する認証アプリ（{ $apps }）でこの QR コードを読み取ってください:
}
cli-totp-by-hand = または、時間ベースのキーとして手動で追加します:
cli-totp-account = アカウント:
cli-totp-issuer = 発行者:
cli-totp-key = キー:
cli-totp-unusual = 注意: 組織は { $algorithm } で { $period } 秒ごとに { $digits } 桁を求めています。この設定を無視するアプリもあります。
cli-totp-code = アプリのコード:
cli-totp-abandoned = コードが入力されませんでした。認証アプリは確認されていません
cli-totp-verified = サーバーが確認しました: 認証アプリは { $tier } の要素になりました。
cli-codes-intro = 新しい回復コードです（以前のコードはたった今使えなくなりました）。それぞれ 1 回使えます。
    このデバイスとは別の安全な場所（パスワード マネージャーや紙）に保管してください。
cli-codes-saved = { $path } に保存しました（あなただけが読めます）。
cli-codes-not-saved = コードを { $path } に保存できませんでした: { $error }
cli-codes-confirm = 保管したことを確認するため、コードを 1 つ入力してください:
cli-codes-abandoned = 確認されていません。コードは使えますが、1 つ確認するまでは数えられません
cli-codes-confirmed = サーバーが確認しました: 回復コードが数えられるようになりました。
cli-key-plug-in = セキュリティキーを差し込み（そのキーだけ）、案内に従ってください。
cli-key-plug-in-for-pin = セキュリティキーを差し込んでください（そのキーだけ）。
cli-key-insert = セキュリティキーを差し込んでください（最大 1 分待ちます。Ctrl+C で中止）。
cli-key-pin = セキュリティキーの PIN（表示されません）:
cli-key-current-pin = セキュリティキーの現在の PIN（表示されません）:
cli-key-choose-pin = 新しい PIN を決めてください（{ $n } 文字以上）。
cli-key-pin-required = 組織はキーに PIN を求めていますが、まだ設定されていません。PIN を決めてください（{ $n } 文字以上）。今後キーはこの PIN を求めます。
cli-key-new-pin = 新しい PIN（表示されません）:
cli-key-new-pin-again = もう一度同じ PIN:
cli-key-pins-differ = 2 つの PIN が違います。何も設定されていません。
cli-key-touch = 今すぐセキュリティキーに触れてください。
cli-key-touch-again = サーバーが確認できるよう、もう一度セキュリティキーに触れてください。
cli-key-system = Windows が独自のウィンドウ（Windows セキュリティ）を表示しています。そこでセキュリティキーまたは Windows Hello を選び、案内に従ってください。
cli-key-pin-done = { $action ->
    [set] { $key } の PIN を設定しました。今後キーはこの PIN を求めます。ほかの誰も知りません。
   *[changed] { $key } の PIN を変更しました。今後キーはこの PIN を求めます。ほかの誰も知りません。
}
cli-key-verified = サーバーが確認しました: { $key } は { $tier } の要素になりました。
cli-key-genuine = サーバーは FIDO メタデータでキーの構成証明を確認しました: 正規のモデルです。
cli-tier = { $tier ->
    [phishing_resistant] フィッシング耐性
    [strong] 強力
    [recovery] 回復用
   *[other] 弱い
}
cli-recover-continuing = 回復セッションを続けます（{ $time } に終了します）。
cli-recover-nothing-lost = 何も失われていません。`lastmile recover` をもう一度実行して続けてください。
cli-recover-revoked = { $n } 件を無効にしました。たった今から使えません。
cli-recover-now-app = 次に、新しいスマートフォンに認証アプリを設定します。
cli-recover-run-again = `lastmile recover` をもう一度実行して続けてください（セッションは 30 分間開いています）。
cli-recover-finally = 最後に、新しい回復コードを作ります（古いコードは今から使えなくなります）。
cli-recover-done = 回復しました。このデバイスは参加済みで、回復セッションは閉じました。
cli-recover-email = 仕事用のメールアドレス:
cli-recover-no-email = メールアドレスが入力されませんでした
cli-recover-code = 回復コードの 1 つ:
cli-recover-no-code = 回復コードが入力されませんでした。何も変更されていません
cli-recover-signed-in = { $resumed ->
    [yes] { $name } <{ $email }>（{ $organisation }）としてサインインしました。前回の続きです。このコードは使用済みになりました。古いセットの残りは { $left } 個です。
   *[no] { $name } <{ $email }>（{ $organisation }）としてサインインしました。このコードは使用済みになりました。古いセットの残りは { $left } 個です。
}
cli-recover-session-ends = 回復セッションは { $time } に終了します。
cli-recover-list = あなたの要素とデバイス:
cli-recover-codes-left = 残り { $n } 個
cli-recover-set-up-from = { $host } から設定
cli-recover-device = デバイス { $host }（{ $os }）
cli-recover-this-device = このデバイス
cli-recover-which = なくしたものはどれですか？ 番号をスペースで区切って、すべてなら `all`、なければ Enter:
cli-recover-no-answer = 回答がありません。何も無効にしていません
cli-recover-not-a-number = 「{ $word }」は 1 から { $n } までの番号ではありません
cli-kind = { $kind ->
    [totp] 認証アプリ
    [recovery_codes] 回復コード
    [security_key] セキュリティキー
    [platform_authenticator] 内蔵認証器
   *[other] { $kind }
}
cli-status-word = { $status ->
    [verified] 確認済み
    [pending] 保留中
    [revoked] 無効
   *[other] { $status }
}
cli-joined = { $organisation } に { $name } <{ $email }> として参加しました。
    このデバイス（{ $device }）は { $server } に報告します。

## The terminal's other answers: report, leave, reset, support-bundle

cli-report-stored = レポートを保存しました。サーバーにはこのデバイスからのレポートが { $reports } 件、確認済みの要素が { $factors } 個あります。
cli-report-stored-count = レポートを保存しました。サーバーにはこのデバイスからのレポートが { $reports } 件あります。
cli-report-not-due = まだレポートの時期ではありません。次は約 { $minutes } 分後です。待機中のレポートは送信しました。
cli-report-not-joined = このデバイスは組織に参加していません。報告するものはありません。
cli-left = このデバイスは組織を離れました。資格情報はキーリングから削除しました。
cli-not-joined = このデバイスは組織に参加していませんでした。することはありません。
cli-support-bundle = { $path } を書き出しました（{ $files }）。ヘルプデスクのチケットに添付してください。資格情報は含まれていません。
cli-reset-gone = このデバイス上の Lastmile のファイルと資格情報は削除されました。
cli-reset-imaging = このデバイスには今は ID がありません。このデバイスから作ったイメージは新しいデバイスとして参加します。
cli-reset-keyring = 削除したキーリングの項目: { $n }
cli-reset-no-files = 削除するファイルはありません
cli-reset-removed = 削除: { $path }
cli-reset-server = IT が削除するまで、サーバーにはこのデバイスが残ります。
