# The server's sign-in page (Lastmile as an OpenID Connect provider), in English: the source
# every other language translates. Chosen from the browser's Accept-Language.

signin-title = Sign in with Lastmile
signin-heading = Confirm it is you
signin-intro = { $factors ->
    [both] { $client } asks you to confirm this sign-in with your security key or the authenticator app Lastmile set up for you.
    [key] { $client } asks you to confirm this sign-in with your security key.
   *[totp] { $client } asks you to confirm this sign-in with the authenticator app Lastmile set up for you.
}
signin-email = Work email
signin-use-key = Use my security key
signin-key-touch = Touch your security key now.
signin-key-cancelled = The security key did not answer (cancelled, or it timed out). Try again.
signin-key-unreachable = The server did not answer. Check your connection and try again.
signin-key-no-script = Signing in with a security key needs JavaScript, which is off in this browser.
signin-or = or
signin-code = Code from your authenticator app
signin-confirm-code = Confirm with the code
signin-lost = Lost your key or phone? Recover on your computer with the Lastmile app; recovery codes do not sign in here.
signin-stopped = This sign-in cannot go on
signin-stopped-note = Go back to the application and start again; if it happens again, tell your IT team.
signin-returning-title = Taking you back
signin-returning = Returning to { $client }.
signin-continue = Continue to { $client }

## What went wrong, said above the form (each says what to do next; none tells whether an email exists)

signin-error-gone = this sign-in expired or was already completed
signin-error-mismatch = that email and code do not match; check both (codes change every 30 seconds)
signin-error-not_this_key = that security key is not one Lastmile verified for this email; use the key you set up with the Lastmile app
signin-error-too_many_on_page = too many attempts on this page; go back to the application and start again
signin-error-rate_limited = too many attempts; wait a minute, then try again
signin-error-key_only = this application accepts only a security key
signin-error-keys_not_here = security keys cannot sign in on this page
signin-error-needs_script = signing in with a security key needs JavaScript in this browser: turn it on, or use another browser
signin-error-spent = that answer is not for this page any more; choose the key again
signin-error-locked = { $minutes ->
    [one] too many wrong codes; try again in a minute
   *[other] too many wrong codes; try again in { $minutes } minutes
}
signin-error-replayed = that code was already used; wait for the next one
signin-error-email_first = type your work email first
