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

## What went wrong, said above the form (each says what to do next; none tells whether an email exists)

signin-error-gone = このサインインは期限切れか、すでに完了しています
signin-error-mismatch = メールアドレスとコードが一致しません。両方を確認してください（コードは 30 秒ごとに変わります）
signin-error-not_this_key = このセキュリティキーは、Lastmile がこのメールアドレスに対して確認したキーではありません。Lastmile アプリで設定したキーを使ってください
signin-error-too_many_on_page = このページでの試行が多すぎます。アプリケーションに戻ってやり直してください
signin-error-rate_limited = 試行が多すぎます。1 分待ってから、もう一度お試しください
signin-error-key_only = このアプリケーションはセキュリティキーしか受け付けません
signin-error-keys_not_here = このページではセキュリティキーでサインインできません
signin-error-needs_script = セキュリティキーでのサインインには、このブラウザーで JavaScript が必要です。有効にするか、別のブラウザーを使ってください
signin-error-spent = この応答はこのページではもう使えません。もう一度キーを選んでください
signin-error-locked = 間違ったコードが多すぎます。{ $minutes } 分後にもう一度お試しください
signin-error-replayed = このコードはすでに使われています。次のコードを待ってください
signin-error-email_first = 先に仕事用のメールアドレスを入力してください
