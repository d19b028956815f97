# La página de inicio de sesión del servidor.

signin-title = Iniciar sesión con Lastmile
signin-heading = Confirme que es usted
signin-intro = { $factors ->
    [both] { $client } le pide que confirme este inicio de sesión con su llave de seguridad o con la aplicación de autenticación que Lastmile configuró para usted.
    [key] { $client } le pide que confirme este inicio de sesión con su llave de seguridad.
   *[totp] { $client } le pide que confirme este inicio de sesión con la aplicación de autenticación que Lastmile configuró para usted.
}
signin-email = Correo electrónico del trabajo
signin-use-key = Usar mi llave de seguridad
signin-key-touch = Toque ahora su llave de seguridad.
signin-key-cancelled = La llave de seguridad no respondió (cancelado o se agotó el tiempo). Inténtelo de nuevo.
signin-key-unreachable = El servidor no respondió. Compruebe su conexión e inténtelo de nuevo.
signin-key-no-script = Iniciar sesión con una llave de seguridad necesita JavaScript, que está desactivado en este navegador.
signin-or = o
signin-code = Código de su aplicación de autenticación
signin-confirm-code = Confirmar con el código
signin-lost = ¿Perdió su llave o su teléfono? Recupere el acceso en su ordenador con la aplicación Lastmile; los códigos de recuperación no inician sesión aquí.
signin-stopped = Este inicio de sesión no puede continuar
signin-stopped-note = Vuelva a la aplicación y empiece de nuevo; si vuelve a ocurrir, avise a su equipo de TI.
signin-returning-title = Volviendo a la aplicación
signin-returning = Volviendo a { $client }.
signin-continue = Continuar a { $client }

## What went wrong, said above the form (each says what to do next; none tells whether an email exists)

signin-error-gone = este inicio de sesión caducó o ya se completó
signin-error-mismatch = ese correo y ese código no coinciden; compruebe ambos (los códigos cambian cada 30 segundos)
signin-error-not_this_key = esa llave de seguridad no es una que Lastmile haya verificado para este correo; use la llave que configuró con la aplicación Lastmile
signin-error-too_many_on_page = demasiados intentos en esta página; vuelva a la aplicación y empiece de nuevo
signin-error-rate_limited = demasiados intentos; espere un minuto y vuelva a intentarlo
signin-error-key_only = esta aplicación solo acepta una llave de seguridad
signin-error-keys_not_here = en esta página no se puede iniciar sesión con llaves de seguridad
signin-error-needs_script = iniciar sesión con una llave de seguridad necesita JavaScript en este navegador: actívelo o use otro navegador
signin-error-spent = esa respuesta ya no vale para esta página; elija la llave de nuevo
signin-error-locked = { $minutes ->
    [one] demasiados códigos incorrectos; vuelva a intentarlo dentro de un minuto
   *[other] demasiados códigos incorrectos; vuelva a intentarlo dentro de { $minutes } minutos
}
signin-error-replayed = ese código ya se usó; espere al siguiente
signin-error-email_first = escriba primero su correo del trabajo
