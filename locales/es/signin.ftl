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
