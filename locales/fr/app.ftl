# Les mots de l’application hors de la fenêtre : le menu de la zone de notification et les rappels.

tray-title = Lastmile
tray-open = Ouvrir Lastmile
tray-quit = Quitter Lastmile
tray-standing-met = Vous respectez la politique de { $organisation }
tray-standing-excepted = Couvert par une exception de { $organisation }
tray-standing-gap = { $organisation } vous demande une étape de plus
tray-standing-unknown = { $organisation } rejointe ; situation pas encore connue
tray-not-set-up = Pas encore configuré
tray-join = Rejoindre votre organisation…
tray-fix = Ouvrir Lastmile pour corriger cela…
tray-step = { $step }…
reminder-summary = { $organisation } vous demande de terminer la configuration de la MFA
reminder-body = { $days ->
    [none] Ensuite : { $step }. Ouvrez Lastmile ; cela prend environ une minute.
    [one] Ensuite, d’ici un jour : { $step }. Ouvrez Lastmile ; cela prend environ une minute.
   *[other] Ensuite, d’ici { $days } jours : { $step }. Ouvrez Lastmile ; cela prend environ une minute.
}

## lastmile status, at a terminal

cli-device = Appareil
cli-keys = Clés
cli-keys-none = aucune trouvée
cli-key = Clé
cli-key-unknown-model = modèle inconnu
cli-platform = Plateforme
cli-tpm = TPM
cli-server = Serveur
cli-server-not-configured = non configuré
cli-server-reachable = joignable
cli-server-unreachable = injoignable
cli-clock = Horloge
cli-joined = Membre
cli-joined-as = { $organisation } en tant que { $email }
cli-joined-no = non
cli-standing = Situation
cli-next = Ensuite
cli-next-command = { $step } : { $command }

## lastmile clock, and the clock warnings of lastmile enroll totp and lastmile recover

cli-clock-unmeasured = L’horloge n’a pas pu être mesurée.
cli-clock-is = L’horloge de cet appareil a { $offset } { $uncertainty } : { $verdict ->
    [ok] bon pour les codes d’authentification.
    [warn] les codes d’authentification peuvent échouer.
   *[fail] les codes d’authentification échoueront.
}
cli-clock-offset-ntp = { $direction ->
    [ahead] { $amount } d’avance sur le serveur NTP { $server }
    [behind] { $amount } de retard sur le serveur NTP { $server }
   *[same] à l’heure du serveur NTP { $server }
}
cli-clock-ntp-unmeasured = Serveur NTP { $server } : non mesuré ({ $reason })
cli-clock-note = Remarque : { $note }.
cli-clock-fix = Pour corriger :
cli-clock-totp-warning = Attention : l’horloge de cet appareil a { $offset }. Les codes sont calculés à partir de l’heure : corrigez d’abord l’horloge de cet appareil et celle de votre téléphone :
cli-clock-recover-note = Remarque : l’horloge de cet appareil a { $offset }. La récupération fonctionne quand même, mais corrigez l’horloge avant de configurer une application d’authentification :
