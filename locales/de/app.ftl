# Die Wörter der App außerhalb des Fensters: das Menü im Infobereich und die Erinnerungen.

tray-title = Lastmile
tray-open = Lastmile öffnen
tray-quit = Lastmile beenden
tray-standing-met = Sie erfüllen die Richtlinie von { $organisation }
tray-standing-excepted = Durch eine Ausnahme von { $organisation } abgedeckt
tray-standing-gap = { $organisation } bittet um einen weiteren Schritt
tray-standing-unknown = { $organisation } beigetreten; Stand noch nicht bekannt
tray-not-set-up = Noch nicht eingerichtet
tray-join = Ihrer Organisation beitreten…
tray-fix = Lastmile öffnen, um das zu beheben…
tray-step = { $step }…
reminder-summary = { $organisation } bittet Sie, die MFA-Einrichtung abzuschließen
reminder-body = { $days ->
    [none] Als Nächstes: { $step }. Öffnen Sie Lastmile; es dauert etwa eine Minute.
    [one] Als Nächstes, innerhalb eines Tages: { $step }. Öffnen Sie Lastmile; es dauert etwa eine Minute.
   *[other] Als Nächstes, innerhalb von { $days } Tagen: { $step }. Öffnen Sie Lastmile; es dauert etwa eine Minute.
}
