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
