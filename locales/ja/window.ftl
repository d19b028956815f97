# ウィンドウの文言（日本語）。原文: locales/en/window.ftl

app-name = Lastmile
app-loading = このデバイスを確認しています…
footer = Lastmile { $version } · { $time } に確認

## ヘッダー

header-managed-by = 管理元: { $organisation }
header-help = ヘルプ
header-checking = 確認しています…
header-check-again = もう一度確認

## 共通の操作と値

action-cancel = キャンセル
action-confirm = 確認
action-continue = 続ける
action-preparing = 準備しています…
action-verify = 検証
value-yes = はい
value-no = いいえ
value-unknown = 不明
duration-ms = { $n } ミリ秒
duration-s = { NUMBER($n, maximumFractionDigits: 1, minimumFractionDigits: 1) } 秒

## このデバイス

device-title = このデバイス
device-system = システム
device-architecture = アーキテクチャ
device-name = 名前
device-kernel = カーネル

## 認証器

authenticators-title = 認証器
keys-title = セキュリティキー
keys-none = 見つかりません
key-aaguid = AAGUID
key-pin = PIN { $state ->
    [set] 設定済み
    [unset] 未設定
   *[unsupported] 非対応
}
key-fingerprint = 指紋 { $enrolled ->
    [yes] 登録済み
   *[no] 未登録
}
key-passkeys = パスキー { $supported ->
    [yes] 対応
   *[no] 非対応
}
key-min-pin = PIN ≥ { $n }
key-firmware = ファームウェア { $version }
platform-windows-hello = Windows Hello
platform-touch-id = Touch ID
platform-none = プラットフォーム認証器
platform-checked-at-enrollment = 登録時に確認します
tpm-title = TPM

## サーバーと時計

server-title = サーバー
server-address = アドレス
server-status = 状態
server-not-configured = 未設定
server-reachable = 接続可能（バージョン { $version }）
server-unreachable = 接続できません
clock-title = 時計
clock-verdict-ok = コードに問題なし
clock-verdict-warn = コードが失敗する可能性あり
clock-verdict-fail = コードが失敗します
clock-offset = { $direction ->
    [ahead] サーバーより { $amount } 進んでいます
    [behind] サーバーより { $amount } 遅れています
   *[same] サーバーと一致しています
}
clock-uncertainty = (±{ $ms } ミリ秒)
clock-not-measured = 未測定: サーバーに接続できません。

## 設定

settings-title = 設定
settings-start-at-login = ログイン時に Lastmile を起動する
settings-start-at-login-locked = これは組織が決めています。
settings-language = 言語
settings-language-system = システムの言語
settings-language-note = ウィンドウ、トレイ、リマインダー、ターミナルのコマンドがこの言語を使います。
settings-language-locked = 言語は組織が設定しています。
settings-start-at-login-note = やるべきことがあるときだけ開き、それ以外は通知領域に常駐します。
setting-server-url = サーバー
setting-organisation = 組織
setting-report-interval-minutes = 報告の間隔（分）
setting-proxy-url = プロキシ
setting-ntp-servers = NTP サーバー
setting-sso-provider = サインイン
setting-managed-by = 管理元
setting-support-url = ヘルプ
setting-log-level = ログレベル
setting-invite = 招待
setting-ca-bundle = 追加の信頼する証明書
setting-reminders = リマインダー
setting-quiet-hours = 通知しない時間帯
setting-autostart = ログイン時に起動
setting-locale = 言語
setting-source-managed = 組織が設定
setting-source-command-line = コマンドライン
setting-source-user = あなたの設定
setting-source-default = 既定

## 組織: 参加、状況、要素

join-invite-label = IT チームからの招待コードまたはリンク
join-invite-label-or = または IT チームからの招待コードまたはリンク
join-button = 参加
join-busy = 参加しています…
join-done = { $organisation } に { $name } として参加しました。
join-link-server = この招待で { $server } に接続します。
keyring-missing = このデバイスには使えるキーリングがないため、Lastmile はサインイン情報を安全に保管できません:
server-view = { $factors ->
    [0] 検証済みの要素はまだありません。
   *[other] 検証済みの要素: { $factors } 個。
} { $reports ->
    [0] このデバイスはまだ報告していません。
   *[other] このデバイスの報告: { $reports } 回。
}
outbox-waiting = 送信待ちの報告が { $n } 件あります。
outbox-waiting-next = 送信待ちの報告が { $n } 件あります。次の試行は { $time } です。
standing-met = { $organisation } のポリシーを満たしています{ $group ->
    [none] {""}
   *[other] {" "}（グループ { $group }）
}。
standing-excepted = 例外は { $until } まで有効です。それまでに、足りないものを追加してください:
standing-deadline = 期限: { $deadline }
standing-level-remind = リマインダー
standing-level-warn = 警告
standing-level-block = ブロック
factor-totp = 認証アプリ
factor-recovery-codes = 回復コード
factor-security-key = セキュリティキー
factor-platform-authenticator = 内蔵の認証器
factor-certified = FIDO 認定 { $level }
factor-verified-at = { $when } に検証
tier-phishing-resistant = フィッシング耐性
tier-strong = 強い
tier-recovery = 回復用
tier-weak = 弱い

## 組織のサインインで参加

sso-sign-in-with = { $organisation } でサインイン
sso-sign-in-with-provider = { $organisation } でサインイン: { $provider }
sso-continue-in-browser = ブラウザーで続けてください。
sso-waiting = そこで { $provider } にサインインしてください。このウィンドウは自動で進みます。
sso-opening-browser = ブラウザーを開いています…
sso-no-browser = ブラウザーが開かない場合は、このアドレスをブラウザーで開いてください:
sso-explained = いつもの仕事用アカウントで、ブラウザーでサインインします。
sso-org-label = 組織の短い名前（IT チームが知っています）
sso-ask-open = 招待がありませんか? 組織のアカウントでサインイン

## セキュリティキー

key-pin-label = セキュリティキーの PIN
key-new-pin-why = 組織はキーに PIN を求めていますが、まだ設定されていません。PIN を決めてください。今後キーが PIN を求めます。
key-new-pin-label = 新しい PIN（{ $n } 文字以上）
key-new-pin-again = もう一度
key-new-pin-again-label = 同じ PIN をもう一度
key-set-pin = PIN を設定
key-pin-too-short = { $n } 文字以上にしてください。
key-pins-differ = 2 つの PIN が一致しません。
key-waiting-looking = セキュリティキーを探しています…
key-waiting-insert = セキュリティキーを差し込んでください（そのキーだけ）。
key-waiting-touch = 今すぐセキュリティキーに触れてください（点滅しています）。
key-waiting-touch-again = サーバーが検証できるよう、もう一度触れてください。
key-waiting-working = 処理しています…
key-waiting-system = Windows が独自のウィンドウを表示しています。そこでセキュリティキーまたは Windows Hello を選び、案内に従ってください。
key-waiting-system-again = サーバーが確認できるよう、Windows がもう一度求めています。もう一度ウィンドウの案内に従ってください。
key-system-note = このウィンドウは Lastmile ではなく Windows（Windows セキュリティ）のものです。PIN とタッチはウィンドウが求めます。ウィンドウが閉じると Lastmile が続けます。

## 認証アプリ

totp-clock-off = このデバイスの時計は{ $offset }。先に直してください:
totp-step-open = 認証アプリ（Microsoft Authenticator、Google Authenticator、1Password、Authy など）を開き、アカウントを追加して、このコードを読み取ってください。
totp-step-open-recommended = { $organisation } は { $apps } を推奨しています。アプリを開き、アカウントを追加して、このコードを読み取ってください。
totp-qr-alt = 認証アプリ用の QR コード
totp-step-by-hand = 読み取れない場合は、時間ベースのキーを手動で追加してください:
totp-code-label = 表示された { $digits } 桁のコードを入力してください
totp-unusual = 組織は { $period } 秒ごとに { $digits } 桁を求めています。これに対応しないアプリもあります。

## 回復コード

recovery-shown = 新しい回復コードです。それぞれ 1 回だけ使えます。以前のコードは今無効になりました。このデバイスとは別の場所に保管してください。
recovery-save = ファイルに保存
recovery-print = 印刷
recovery-copy = コピー
recovery-saved = { $path } に保存しました（あなただけが読めます）。
recovery-copied = コピーしました。パスワードマネージャーに貼り付けてから、クリップボードを消去してください。
recovery-copy-failed = このシステムではアプリからコピーできません。保存か印刷を使ってください。
recovery-confirm-label = 保管したことを確認するため、そのうち 1 つを入力してください

## デバイスをなくしたときの回復

recover-open-joined = スマートフォンやキーをなくしましたか? 回復コードで回復
recover-open-not-joined = デバイスをなくして招待がありませんか? 回復コードで回復
recover-title = デバイスをなくしたあとの回復
recover-intro = 保管した回復コードを 1 つ使ってください。1 回だけ使えます。
recover-server-label = サーバーのアドレス（IT チームから）
recover-user-label = 仕事用のメールアドレス
recover-code-label = 回復コード
recover-more-options = その他のオプション
recover-org-label = 組織（IT チームから伝えられた場合のみ）
recover-sign-in = サインイン
recover-continuing = 回復セッションを続けています。
recover-signed-in = { $name }（{ $organisation }）としてサインインしました{ $resumed ->
    [yes] （前回の続き）
   *[no] {""}
}。そのコードは使用済みです。古いセットの残りは { $left } 個です。セッションは { $until } に終わります。
recover-clock = このデバイスの時計は{ $offset }。回復はできますが、直すまで認証アプリのコードは失敗します:
recover-revoke-intro = なくしたものをすべて取り消してください。すぐに使えなくなります。
recover-factor-state = { $verified ->
    [yes] 検証済み
   *[no] 未検証
}{ $left ->
    [none] {""}
   *[other] 、残りのコード { $left } 個
}{ $from ->
    [none] {""}
   *[other] 、{ $from } から設定
}
recover-device-state = { $os } · { $joined } に参加{ $current ->
    [yes] {" "}· このデバイス
   *[no] {""}
}
recover-revoke = 取り消す
recover-revoked = 取り消しました: { $list }。
recover-next-factor = 次へ: 新しい認証アプリ
recover-factor-intro = 新しいスマートフォンに認証アプリを設定してください。
recover-codes-intro = 最後のステップ: 新しい回復コードです。取得すると古いセットは使えなくなります。
recover-done = 回復しました。このデバイスは参加済みで、回復セッションは終了しました。

## アプリが見つけた問題

problem-managed_settings_invalid = 組織の Lastmile 設定を使えません。
problem-managed_settings_invalid-hint = IT チームに連絡してください。Lastmile のデバイス管理プロファイルに誤りがあります。直るまで、Lastmile は自分からは何もしません。
problem-user_settings_invalid = あなたの Lastmile 設定ファイルを使えないため、無視しました。
problem-user_settings_invalid-hint = ファイルを直すか削除してください。Lastmile はファイルを変更していません。
problem-local_state_corrupt = このデバイスについての Lastmile の記録を読めません。
problem-local_state_corrupt-hint = Lastmile はファイルを残しました。もう一度参加すると、それを脇に置いて新しく始めます。
problem-no_server = このデバイスには Lastmile サーバーが設定されていません。
problem-no_server-hint = IT チームからの招待リンクを開くか、組織のアカウントでサインインしてください。
problem-server_unreachable = このデバイスから Lastmile サーバーに接続できません。
problem-server_unreachable-hint = ネットワーク接続を確認してください。Lastmile はオフラインでも動き続け、サーバーが戻ると報告します。
problem-server_error = Lastmile サーバーがエラーを返しました。
problem-server_error-hint = あとでもう一度試すか、IT チームに連絡してください。
problem-device_not_recognised = サーバーはこのデバイスをもう認識していません。
problem-device_not_recognised-hint = 取り消された可能性があります。IT チームに新しい招待を頼むか、デバイスをなくした場合は回復コードで回復してください。
problem-keyring_unavailable = このデバイスには使えるキーリングがないため、Lastmile はサインイン情報を安全に保管できません。
problem-keyring_unavailable-hint = Lastmile は認証情報をシステムのキーリングにだけ保管します。キーリングのロックを解除して（Linux では GNOME Keyring または KWallet）、もう一度確認してください。
problem-not_joined = このデバイスはまだ組織に参加していません。
problem-not_joined-hint = IT チームからの招待コードかリンク、または組織のサインインで参加してください。
problem-clock_fail = このデバイスの時計は{ $offset }。認証アプリのコードは失敗します。
problem-clock_fail-hint = 時計を合わせてください。このデバイスでの手順は「時計」にあります。
problem-clock_warn = このデバイスの時計は{ $offset }。認証アプリのコードが失敗する可能性があります。
problem-clock_warn-hint = 時計を合わせてください。このデバイスでの手順は「時計」にあります。
problem-managed_settings_unknown = 組織の設定に、このバージョンの Lastmile が知らない項目があります。
problem-managed_settings_unknown-hint = ほかの設定は適用されます。新しい Lastmile 向けのプロファイルでしょうか。アプリを更新してください。そうでなければ IT チームに連絡してください。

## 依頼した操作のエラー

error-invalid_input = Lastmile はそれを使えません。
error-invalid_input-hint = 入力または貼り付けた内容を確認して、もう一度試してください。
error-managed_setting = これは組織が設定しているため、ここでは変更できません。
error-managed_setting-hint = 変更が必要なら IT チームに相談してください。
error-config_invalid = Lastmile の設定ファイルを読めません。
error-config_invalid-hint = 下に示すファイルを直すか削除してください。Lastmile はファイルを変更していません。
error-no_server = このデバイスには Lastmile サーバーが設定されていません。
error-no_server-hint = IT チームからの招待リンクを使ってください。リンクにサーバーが含まれています。
error-server_unreachable = Lastmile サーバーに接続できません。
error-server_unreachable-hint = ネットワーク接続を確認して、もう一度試してください。
error-server_error = Lastmile サーバーがエラーを返しました。
error-server_error-hint = 少し待ってからもう一度試してください。繰り返し起きる場合は IT チームに連絡してください。
error-invite_invalid = その招待は無効です。
error-invite_invalid-hint = 受け取った招待のコードかリンクを、そのまま全部貼り付けてください。
error-invite_expired = その招待は期限切れです。
error-invite_expired-hint = IT チームに新しい招待を頼んでください。
error-invite_used = その招待はすでに使われています。
error-invite_used-hint = 招待は 1 回だけ使えます。IT チームに新しい招待を頼んでください。
error-keyring_unavailable = このデバイスには使えるキーリングがないため、Lastmile はサインイン情報を安全に保管できません。
error-keyring_unavailable-hint = システムのキーリングのロックを解除して（Linux では GNOME Keyring または KWallet）、もう一度試してください。
error-already_joined = このデバイスはすでに組織に参加しています。
error-already_joined-hint = 別の組織に参加するには、先に今の組織から抜けてください。
error-not_joined = このデバイスはまだ組織に参加していません。
error-not_joined-hint = 先に招待または組織のサインインで参加してください。
error-totp_invalid = そのコードは正しくありません。
error-totp_invalid-hint = 認証アプリに今表示されているコードを入力してください。コードは 30 秒ごとに変わります。
error-totp_replayed = そのコードはすでに使われています。
error-totp_replayed-hint = 認証アプリに次のコードが出るのを待って、それを入力してください。
error-recovery_code_invalid = その回復コードは正しくありません。
error-recovery_code_invalid-hint = 保管したコードと見比べてください。それぞれ 1 回しか使えません。
error-recovery_refused = その情報に合う回復コードはありません。
error-recovery_refused-hint = メールアドレスとコードを確認してください。何度か試したら、数分待ってください。
error-recovery_session_expired = 回復セッションが終了しました。
error-recovery_session_expired-hint = 別の回復コードでもう一度サインインしてください。
error-device_revoked = このデバイスは取り消されています。
error-device_revoked-hint = IT チームに新しい招待を頼むか、回復コードで回復してください。
error-key_missing = セキュリティキーが見つからないか、複数あります。
error-key_missing-hint = セキュリティキーを 1 つだけ差し込んで、もう一度試してください。
error-key_pin_wrong = その PIN は正しくありません。
error-key_pin_wrong-hint = 慎重にもう一度試してください。PIN を何度も間違えるとキーはロックされます。
error-key_pin_blocked = セキュリティキーの PIN がブロックされています。
error-key_pin_blocked-hint = 再び使うにはキーのリセットが必要です。IT チームに相談してください。
error-key_cancelled = セキュリティキーに時間内に触れなかったか、キャンセルされました。
error-key_cancelled-hint = もう一度始めて、キーが点滅したら触れてください。
error-key_excluded = このセキュリティキーはすでに登録されています。
error-key_excluded-hint = すでにあなたの要素として数えられています。このキーで行うことはもうありません。
error-key_not_allowed = 組織はこの型のセキュリティキーを受け付けていません。
error-key_not_allowed-hint = どのキーが使えるか IT チームに確認してください。
error-key_permission = このデバイスでは Lastmile がセキュリティキーを使えません。
error-key_permission-hint = IT チームが許可できます（Linux ではセキュリティキー用の udev ルール）。
error-key_failed = セキュリティキーを登録できませんでした。
error-key_failed-hint = キーを抜いて差し直し、もう一度試してください。
error-sso_unavailable = 組織には参加に使えるサインインがありません。
error-sso_unavailable-hint = 代わりに IT チームからの招待で参加してください。
error-sso_cancelled = サインインがキャンセルされたか、時間内に戻りませんでした。
error-sso_cancelled-hint = 準備ができたらもう一度始めてください。
error-sso_failed = サインインを完了できませんでした。
error-sso_failed-hint = もう一度試してください。失敗が続く場合は IT チームに連絡してください。
error-sso_not_allowed = サインインしましたが、このアカウントはこの方法では参加できません。
error-sso_not_allowed-hint = IT チームに招待を頼んでください。
error-rate_limited = 短い時間に試行が多すぎます。
error-rate_limited-hint = 数分待ってから、もう一度試してください。
error-local_state = Lastmile はこのデバイスの記録を読み書きできませんでした。
error-local_state-hint = 対象のファイルは下に示しています。ディスクがいっぱいでないか確認してください。もう一度参加すると記録を新しく始めます。
error-internal = Lastmile の内部で問題が起きました。
error-internal-hint = もう一度試してください。繰り返し起きる場合は、サポートバンドル（lastmile support-bundle）を IT チームに送ってください。
## Screens: the overview and the details

nav-label = 画面
nav-details = 詳細
nav-overview = 概要
nav-home-announce = 概要
details-title = 詳細
details-intro = Lastmile がこのデバイスについて把握しているすべての情報です（IT チーム向け）。
account-title = アカウント
account-name = 名前
account-email = メール
account-organisation = 組織
account-device-id = デバイス ID
home-join-title = 組織に参加する
home-join-intro = Lastmile はサインインが保護されていることを確認し、それを IT チームに示します。まず、このデバイスを組織に接続してください。
standing-met-title = 準備完了です
standing-gap-title = { $organisation } からあと 1 ステップのお願いがあります
standing-excepted-title = { $organisation } の例外が適用されています
standing-needs = まだ足りないもの:
standing-unknown-title = 状況はまだわかりません
standing-unknown = サーバーからまだ応答がありません。Lastmile が自動的に再試行します。
need-tier = { $tier ->
    [phishing_resistant] フィッシングに強いサインイン方法（セキュリティキーまたは内蔵認証器）
    [strong] 強力なサインイン方法（認証アプリまたはセキュリティキー）
    [recovery] 回復コードまたはより強力なサインイン方法
   *[other] 確認済みのサインイン方法
}
need-factors = 確認済みのサインイン方法 { $need } 個（現在 { $have } 個）
need-recovery-codes = 保管して確認した回復コード
next-security-key = { $model ->
    [none] 接続されているセキュリティキーを登録する
   *[other] { $model } を登録する
}
next-plug-in-security-key = セキュリティキーを接続して登録する
next-platform-authenticator = Windows Hello を設定する
next-platform-authenticator-note = Windows の設定の「アカウント」→「サインイン オプション」で設定してください。Lastmile は次回の確認で認識します。
next-totp = 認証アプリを設定する
next-recovery-codes = 回復コードを取得する
factors-title = サインイン方法
add-title = 別のサインイン方法を追加
add-security-key = セキュリティキー
add-security-key-note = 最も強力で、フィッシングされません。
add-totp = 認証アプリ
add-totp-note = スマートフォンのアプリに表示されるコード。
add-recovery-codes = 回復コード
add-recovery-codes-new = 新しい回復コード
add-recovery-codes-note = このデバイスをなくしたときのために。新しいコードを作ると古いコードは無効になります。

## Flows: one task in the whole window

flow-back = 戻る
flow-progress = ステップ { $n }/{ $total }: { $label }
action-try-again = 再試行
key-flow-title = セキュリティキーを追加
key-step-connect = キーを接続
key-step-register = 登録
key-step-verify = 確認
key-insert-note = USB ポートに挿すか、NFC リーダーにかざしてください。
key-touch-note = キーの金属部分またはボタンに触れてください。
totp-flow-title = 認証アプリを追加
totp-step-scan-title = コードを読み取る
totp-step-code-title = コードを入力
totp-next = 追加しました
totp-show-again = コードをもう一度表示
recovery-flow-title = 回復コードを取得
recovery-step-save = 保管する
recovery-step-confirm = 1 つ確認する
recovery-next = 保管しました
recovery-next-note = まず保存、印刷、またはコピーしてください。
recovery-show-again = コードをもう一度表示
recovery-replace-warning = 回復コードはすでにあります。新しいコードを作ると置き換えられ、今のコードはすぐに使えなくなります。
recovery-replace = 新しいコードを作る
recover-step-sign-in = 回復コードでサインイン
recover-step-review = なくしたものを削除
recover-step-factor = 新しい認証アプリ
recover-step-codes = 新しい回復コード
recover-skip-factor = スキップ（別のサインイン方法があります）
success-key = { $name } は { $organisation } によって確認されました。
success-totp = 認証アプリは { $organisation } によって確認されました。
success-recovery = 回復コードは { $organisation } によって確認されました。
success-met = { $organisation } のポリシーを満たしています。
success-excepted = 現在は { $organisation } の例外が適用されています。
success-more = { $organisation } からあと 1 ステップのお願いがあります。
success-next = 次へ: { $step }
success-later = 後で
success-done = 完了

## Fixing a wrong clock, for the person's own system (the steps the window and the terminal show)

clockfix-windows-1 = 「設定」>「時刻と言語」>「日付と時刻」を開きます。
clockfix-windows-2 = 「時刻を自動的に設定する」と「タイム ゾーンを自動的に設定する」をオンにします。
clockfix-windows-3 = 「今すぐ同期」をクリックします（または管理者のターミナルで `w32tm /resync` を実行します）。
clockfix-macos-1 = 「システム設定」>「一般」>「日付と時刻」を開きます。
clockfix-macos-2 = 「日付と時刻を自動的に設定」をオンにします（ソース: time.apple.com）。
clockfix-macos-3 = すでにオンの場合は、いったんオフにしてから再びオンにすると、すぐに同期されます。
clockfix-gnome-1 = 「設定」>「システム」>「日付と時刻」を開きます。
clockfix-gnome-2 = 「日付と時刻の自動設定」と「タイムゾーンの自動設定」をオンにします。
clockfix-gnome-3 = それでも時計が合わない場合は、`timedatectl set-ntp true` を実行し、`timedatectl timesync-status` を確認します。
clockfix-kde-1 = 「システム設定」>「日付と時刻」（Plasma 6 では「地域と言語」>「日付と時刻」）を開きます。
clockfix-kde-2 = 「日付と時刻を自動的に設定」にチェックを入れて適用します。
clockfix-kde-3 = それでも時計が合わない場合は、`timedatectl set-ntp true` を実行し、`timedatectl timesync-status` を確認します。
clockfix-systemd-1 = `sudo timedatectl set-ntp true` を実行して systemd-timesyncd をオンにします。
clockfix-systemd-2 = `timedatectl timesync-status` で確認します（「System clock synchronized: yes」）。
clockfix-systemd-3 = ネットワークが公開 NTP を遮断している場合は、/etc/systemd/timesyncd.conf の NTP= に会社のサーバーを設定します。
clockfix-other-1 = システムの日付と時刻の設定で、ネットワーク時刻（NTP）の自動設定をオンにします。
clockfix-other-2 = タイムゾーンが正しいか確認します。タイムゾーンが違うと、時計が何時間もずれているように見えます。

## What this device has, as the app found it (worded from its notes; Details and lastmile status)

keys-note-none_plugged = USB セキュリティキーが接続されていません
keys-note-no_permission = FIDO デバイスが { $attached } 台接続されていますが、このユーザーは { $nodes } を開けません。FIDO キーへのアクセスを許可する udev ルールをインストールしてから（systemd 252 以降は自動でタグ付けします。古いシステムでは、キーの USB ベンダー向けに TAG+="uaccess" を指定したルールを /etc/udev/rules.d/70-fido.rules に追加します）、キーを抜いて挿し直してください。
keys-note-windows_administrators_only = Windows では管理者しかセキュリティキーと直接通信できません。追加するときに Lastmile は Windows の WebAuthn API を通じてキーを使います
keys-note-no_usb_support = この Lastmile のビルドは USB セキュリティキーに対応していません
keys-note-scan_failed = USB デバイスを一覧できませんでした（{ $error }）
platform-note-windows_hello = Windows の WebAuthn API（バージョン { $api_version }）があります。追加するときに Windows が Hello（顔、指紋、PIN）を求めます。
platform-note-windows_no_webauthn = この Windows には WebAuthn API がありません（Windows 10 1903 以降が必要です）。
platform-note-touch_id = Touch ID はブラウザーまたは「パスワード」アプリで登録します。Lastmile から直接追加することはできないため、ここではセキュリティキーか認証アプリを使ってください。
platform-note-fingerprint_reader = このコンピューターには指紋リーダー（{ $reader }）がありますが、Linux ではログイン画面（fprintd）用で WebAuthn には使えないため、Lastmile の要素にはできません。セキュリティキー、または認証アプリと回復コードを使ってください。
platform-note-linux = Linux には WebAuthn 用のプラットフォーム認証器がありません。セキュリティキー、または認証アプリと回復コードを使ってください。
platform-note-other_os = このシステムには Lastmile が使えるプラットフォーム認証器がありません。セキュリティキー、または認証アプリと回復コードを使ってください。
tpm-note-linux_device = { $version ->
    [unknown] /dev/tpm0 に TPM（バージョン不明）があります
   *[other] /dev/tpm0 に TPM { $version } があります
}
tpm-note-linux_none = カーネルは TPM を公開していません（/sys/class/tpm）
tpm-note-windows_device = TPM 2.0 デバイスがあります
tpm-note-windows_none = TPM 2.0 デバイスは列挙されていません
tpm-note-mac_secure_enclave = Mac には TPM がありません。Apple シリコンと T2 搭載の Mac には代わりに Secure Enclave があります
tpm-note-unknown = このシステムでは TPM を検出できません
