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

## The terminal's journeys: lastmile enroll, key pin, recover and join

cli-totp-scan = { $recommended ->
    [none] Scannez ce code QR avec votre application d’authentification (Microsoft Authenticator, Google Authenticator, 1Password, Authy…) :
   *[some] Scannez ce code QR avec une application d’authentification recommandée par { $organisation } ({ $apps }) :
}
cli-totp-by-hand = Ou ajoutez-la à la main comme clé basée sur le temps :
cli-totp-account = compte :
cli-totp-issuer = émetteur :
cli-totp-key = clé :
cli-totp-unusual = Remarque : votre organisation demande { $digits } chiffres toutes les { $period } s avec { $algorithm } ; certaines applications ignorent ces réglages.
cli-totp-code = Code de l’application :
cli-totp-abandoned = aucun code saisi ; l’application d’authentification n’a pas été vérifiée
cli-totp-verified = Vérifié par le serveur : votre application d’authentification est maintenant un facteur { $tier }.
cli-codes-intro = Vos nouveaux codes de récupération (les précédents ne fonctionnent plus dès maintenant). Chacun sert une fois.
    Gardez-les en lieu sûr, loin de cet appareil : dans un gestionnaire de mots de passe, ou sur papier.
cli-codes-saved = Enregistrés dans { $path } (lisible par vous seul).
cli-codes-not-saved = impossible d’enregistrer les codes dans { $path } : { $error }
cli-codes-confirm = Saisissez l’un des codes pour confirmer que vous les avez gardés :
cli-codes-abandoned = non confirmé ; les codes fonctionnent, mais ne comptent qu’une fois l’un d’eux confirmé
cli-codes-confirmed = Confirmé par le serveur : vos codes de récupération comptent maintenant.
cli-key-plug-in = Branchez votre clé de sécurité (celle-là seulement), puis suivez les indications.
cli-key-plug-in-for-pin = Branchez votre clé de sécurité (celle-là seulement).
cli-key-insert = Insérez votre clé de sécurité (attente d’une minute au plus ; Ctrl+C pour arrêter).
cli-key-pin = Code PIN de votre clé de sécurité (masqué) :
cli-key-current-pin = Code PIN actuel de votre clé de sécurité (masqué) :
cli-key-choose-pin = Choisissez le nouveau code PIN ({ $n } caractères ou plus).
cli-key-pin-required = Votre organisation exige un code PIN sur la clé, et elle n’en a pas encore. Choisissez-en un ({ $n } caractères ou plus) ; la clé le demandera désormais.
cli-key-new-pin = Nouveau code PIN (masqué) :
cli-key-new-pin-again = Le même code PIN à nouveau :
cli-key-pins-differ = Les deux codes PIN diffèrent ; rien n’a été défini.
cli-key-touch = Touchez votre clé de sécurité maintenant.
cli-key-touch-again = Touchez à nouveau votre clé de sécurité, pour que le serveur la vérifie.
cli-key-system = Windows affiche maintenant sa propre fenêtre (Sécurité Windows) : choisissez-y votre clé de sécurité ou Windows Hello, et suivez-la.
cli-key-pin-done = { $action ->
    [set] Le code PIN de votre { $key } est défini. La clé le demande désormais ; personne d’autre ne le connaît.
   *[changed] Le code PIN de votre { $key } est modifié. La clé le demande désormais ; personne d’autre ne le connaît.
}
cli-key-verified = Vérifié par le serveur : votre { $key } est maintenant un facteur { $tier }.
cli-key-genuine = Le serveur a vérifié l’attestation de la clé avec les métadonnées FIDO : le modèle est authentique.
cli-tier = { $tier ->
    [phishing_resistant] résistant à l’hameçonnage
    [strong] fort
    [recovery] de récupération
   *[other] faible
}
cli-recover-continuing = Votre session de récupération continue (elle se termine à { $time }).
cli-recover-nothing-lost = Rien n’est perdu : relancez `lastmile recover` pour continuer.
cli-recover-revoked = { $n ->
    [one] 1 élément révoqué : il ne fonctionne plus dès maintenant.
   *[other] { $n } éléments révoqués : ils ne fonctionnent plus dès maintenant.
}
cli-recover-now-app = Configurez maintenant une application d’authentification sur votre nouveau téléphone.
cli-recover-run-again = Relancez `lastmile recover` pour continuer (votre session reste ouverte 30 minutes).
cli-recover-finally = Enfin, de nouveaux codes de récupération (les anciens cessent de fonctionner maintenant).
cli-recover-done = Récupération terminée. Cet appareil est rattaché ; la session de récupération est fermée.
cli-recover-email = Votre adresse e-mail professionnelle :
cli-recover-no-email = aucune adresse e-mail saisie
cli-recover-code = L’un de vos codes de récupération :
cli-recover-no-code = aucun code de récupération saisi ; rien n’a été modifié
cli-recover-signed-in = { $resumed ->
    [yes] Connecté en tant que { $name } <{ $email }> ({ $organisation }), à la suite d’une tentative précédente. Ce code est maintenant utilisé ; il en reste { $left } dans l’ancienne série.
   *[no] Connecté en tant que { $name } <{ $email }> ({ $organisation }). Ce code est maintenant utilisé ; il en reste { $left } dans l’ancienne série.
}
cli-recover-session-ends = Votre session de récupération se termine à { $time }.
cli-recover-list = Vos facteurs et appareils :
cli-recover-codes-left = { $n } codes restants
cli-recover-set-up-from = configuré depuis { $host }
cli-recover-device = appareil { $host } ({ $os })
cli-recover-this-device = cet appareil
cli-recover-which = Lesquels avez-vous perdus ? Des numéros séparés par des espaces, `all` pour tous, ou Entrée pour aucun :
cli-recover-no-answer = pas de réponse ; rien n’a été révoqué
cli-recover-not-a-number = « { $word } » n’est pas l’un des numéros de 1 à { $n }
cli-kind = { $kind ->
    [totp] application d’authentification
    [recovery_codes] codes de récupération
    [security_key] clé de sécurité
    [platform_authenticator] authentificateur intégré
   *[other] { $kind }
}
cli-status-word = { $status ->
    [verified] vérifié
    [pending] en attente
    [revoked] révoqué
   *[other] { $status }
}
cli-joined = Rattaché à { $organisation } en tant que { $name } <{ $email }>.
    Cet appareil ({ $device }) rend compte à { $server }.

## The terminal's other answers: report, leave, reset, support-bundle

cli-report-stored = Rapport enregistré. Le serveur a { $reports ->
    [one] un rapport
   *[other] { $reports } rapports
} de cet appareil et { $factors ->
    [0] aucun facteur vérifié
    [one] un facteur vérifié
   *[other] { $factors } facteurs vérifiés
}.
cli-report-stored-count = Rapport enregistré. Le serveur a { $reports ->
    [one] un rapport
   *[other] { $reports } rapports
} de cet appareil.
cli-report-not-due = Aucun rapport dû pour l’instant : le prochain dans environ { $minutes ->
    [one] une minute
   *[other] { $minutes } minutes
}. Les rapports en attente ont été envoyés.
cli-report-not-joined = Cet appareil n’est rattaché à aucune organisation ; rien à rapporter.
cli-left = Cet appareil a quitté son organisation ; ses identifiants ont été retirés du trousseau.
cli-not-joined = Cet appareil n’était rattaché à aucune organisation ; rien à faire.
cli-support-bundle = { $path } écrit ({ $files }). Joignez-le à votre ticket d’assistance ; il ne contient aucun identifiant.
cli-reset-gone = Les fichiers et identifiants de Lastmile pour vous sur cet appareil ont disparu.
cli-reset-imaging = Cet appareil n’a plus d’identité : une image prise de lui rejoindra comme un nouvel appareil.
cli-reset-keyring = entrées du trousseau retirées : { $n }
cli-reset-no-files = aucun fichier à retirer
cli-reset-removed = retiré : { $path }
cli-reset-server = Le serveur garde l’appareil dans sa liste jusqu’à ce que l’informatique le retire.
