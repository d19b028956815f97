# La page de connexion du serveur.

signin-title = Se connecter avec Lastmile
signin-heading = Confirmez que c’est bien vous
signin-intro = { $factors ->
    [both] { $client } vous demande de confirmer cette connexion avec votre clé de sécurité ou l’application d’authentification que Lastmile a configurée pour vous.
    [key] { $client } vous demande de confirmer cette connexion avec votre clé de sécurité.
   *[totp] { $client } vous demande de confirmer cette connexion avec l’application d’authentification que Lastmile a configurée pour vous.
}
signin-email = E-mail professionnel
signin-use-key = Utiliser ma clé de sécurité
signin-key-touch = Touchez votre clé de sécurité maintenant.
signin-key-cancelled = La clé de sécurité n’a pas répondu (annulé, ou délai dépassé). Réessayez.
signin-key-unreachable = Le serveur n’a pas répondu. Vérifiez votre connexion et réessayez.
signin-key-no-script = Se connecter avec une clé de sécurité demande JavaScript, désactivé dans ce navigateur.
signin-or = ou
signin-code = Code de votre application d’authentification
signin-confirm-code = Confirmer avec le code
signin-lost = Clé ou téléphone perdu ? Récupérez l’accès sur votre ordinateur avec l’application Lastmile ; les codes de récupération ne permettent pas de se connecter ici.
signin-stopped = Cette connexion ne peut pas continuer
signin-stopped-note = Retournez à l’application et recommencez ; si cela se reproduit, prévenez votre équipe informatique.
signin-returning-title = Retour à l’application
signin-returning = Retour à { $client }.
signin-continue = Continuer vers { $client }

## What went wrong, said above the form (each says what to do next; none tells whether an email exists)

signin-error-gone = cette connexion a expiré ou est déjà terminée
signin-error-mismatch = cet e-mail et ce code ne correspondent pas ; vérifiez les deux (les codes changent toutes les 30 secondes)
signin-error-not_this_key = cette clé de sécurité n’est pas une clé que Lastmile a vérifiée pour cet e-mail ; utilisez la clé configurée avec l’application Lastmile
signin-error-too_many_on_page = trop de tentatives sur cette page ; retournez à l’application et recommencez
signin-error-rate_limited = trop de tentatives ; attendez une minute, puis réessayez
signin-error-key_only = cette application n’accepte qu’une clé de sécurité
signin-error-keys_not_here = les clés de sécurité ne permettent pas de se connecter sur cette page
signin-error-needs_script = se connecter avec une clé de sécurité demande JavaScript dans ce navigateur : activez-le, ou utilisez un autre navigateur
signin-error-spent = cette réponse ne vaut plus pour cette page ; choisissez à nouveau la clé
signin-error-locked = { $minutes ->
    [one] trop de codes erronés ; réessayez dans une minute
   *[other] trop de codes erronés ; réessayez dans { $minutes } minutes
}
signin-error-replayed = ce code a déjà été utilisé ; attendez le suivant
signin-error-email_first = saisissez d’abord votre e-mail professionnel
