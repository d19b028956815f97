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
