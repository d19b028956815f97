# Die Anmeldeseite des Servers.

signin-title = Mit Lastmile anmelden
signin-heading = Bestätigen Sie, dass Sie es sind
signin-intro = { $factors ->
    [both] { $client } bittet Sie, diese Anmeldung mit Ihrem Sicherheitsschlüssel oder mit der Authenticator-App zu bestätigen, die Lastmile für Sie eingerichtet hat.
    [key] { $client } bittet Sie, diese Anmeldung mit Ihrem Sicherheitsschlüssel zu bestätigen.
   *[totp] { $client } bittet Sie, diese Anmeldung mit der Authenticator-App zu bestätigen, die Lastmile für Sie eingerichtet hat.
}
signin-email = Geschäftliche E-Mail
signin-use-key = Meinen Sicherheitsschlüssel verwenden
signin-key-touch = Berühren Sie jetzt Ihren Sicherheitsschlüssel.
signin-key-cancelled = Der Sicherheitsschlüssel hat nicht geantwortet (abgebrochen oder Zeit abgelaufen). Versuchen Sie es erneut.
signin-key-unreachable = Der Server hat nicht geantwortet. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.
signin-key-no-script = Die Anmeldung mit einem Sicherheitsschlüssel braucht JavaScript, das in diesem Browser ausgeschaltet ist.
signin-or = oder
signin-code = Code aus Ihrer Authenticator-App
signin-confirm-code = Mit dem Code bestätigen
signin-lost = Schlüssel oder Telefon verloren? Stellen Sie den Zugang auf Ihrem Computer mit der Lastmile-App wieder her; Wiederherstellungscodes melden hier nicht an.
signin-stopped = Diese Anmeldung kann nicht fortgesetzt werden
signin-stopped-note = Kehren Sie zur Anwendung zurück und beginnen Sie von vorn; wenn es wieder passiert, wenden Sie sich an Ihr IT-Team.
signin-returning-title = Zurück zur Anwendung
signin-returning = Zurück zu { $client }.
signin-continue = Weiter zu { $client }

## What went wrong, said above the form (each says what to do next; none tells whether an email exists)

signin-error-gone = diese Anmeldung ist abgelaufen oder wurde schon abgeschlossen
signin-error-mismatch = E-Mail-Adresse und Code passen nicht zusammen; prüfen Sie beides (Codes wechseln alle 30 Sekunden)
signin-error-not_this_key = dieser Sicherheitsschlüssel ist keiner, den Lastmile für diese E-Mail-Adresse bestätigt hat; verwenden Sie den Schlüssel, den Sie mit der Lastmile-App eingerichtet haben
signin-error-too_many_on_page = zu viele Versuche auf dieser Seite; kehren Sie zur Anwendung zurück und beginnen Sie von vorn
signin-error-rate_limited = zu viele Versuche; warten Sie eine Minute und versuchen Sie es dann erneut
signin-error-key_only = diese Anwendung akzeptiert nur einen Sicherheitsschlüssel
signin-error-keys_not_here = auf dieser Seite kann man sich nicht mit Sicherheitsschlüsseln anmelden
signin-error-needs_script = die Anmeldung mit einem Sicherheitsschlüssel braucht JavaScript in diesem Browser: Schalten Sie es ein oder nutzen Sie einen anderen Browser
signin-error-spent = diese Antwort gilt für diese Seite nicht mehr; wählen Sie den Schlüssel erneut
signin-error-locked = { $minutes ->
    [one] zu viele falsche Codes; versuchen Sie es in einer Minute erneut
   *[other] zu viele falsche Codes; versuchen Sie es in { $minutes } Minuten erneut
}
signin-error-replayed = dieser Code wurde schon verwendet; warten Sie auf den nächsten
signin-error-email_first = geben Sie zuerst Ihre geschäftliche E-Mail-Adresse ein
