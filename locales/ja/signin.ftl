# サーバーのサインインページ。

signin-title = Lastmile でサインイン
signin-heading = ご本人であることを確認してください
signin-intro = { $factors ->
    [both] { $client } から、セキュリティキーまたは Lastmile で設定した認証アプリでこのサインインを確認するよう求められています。
    [key] { $client } から、セキュリティキーでこのサインインを確認するよう求められています。
   *[totp] { $client } から、Lastmile で設定した認証アプリでこのサインインを確認するよう求められています。
}
signin-email = 仕事用のメールアドレス
signin-use-key = セキュリティキーを使う
signin-key-touch = 今すぐセキュリティキーに触れてください。
signin-key-cancelled = セキュリティキーが応答しませんでした（キャンセルまたはタイムアウト）。もう一度お試しください。
signin-key-unreachable = サーバーが応答しませんでした。接続を確認して、もう一度お試しください。
signin-key-no-script = セキュリティキーでのサインインには JavaScript が必要ですが、このブラウザーでは無効になっています。
signin-or = または
signin-code = 認証アプリのコード
signin-confirm-code = コードで確認
signin-lost = キーやスマートフォンをなくした場合は、コンピューターの Lastmile アプリで回復してください。回復コードではここでサインインできません。
signin-stopped = このサインインは続行できません
signin-stopped-note = アプリケーションに戻ってやり直してください。再び起きた場合は IT チームに連絡してください。
signin-returning-title = アプリケーションに戻ります
signin-returning = { $client } に戻ります。
signin-continue = { $client } へ進む
