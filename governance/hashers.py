"""The password hasher of new and upgraded passwords (settings.PASSWORD_HASHERS, first)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id at 32 MiB of memory, 3 passes, one lane.

    Django's default, PBKDF2-SHA256 at 1,000,000 iterations, took 300-370 ms of CPU a
    verification here (2 cores), nearly all of a login's time. Argon2id at these costs takes
    about 90 ms, and it is the harder to attack: each guess needs 32 MiB of memory passed over
    three times, where PBKDF2's guesses run by the thousand on a graphics card. OWASP's password
    storage sheet sets the minimums at Argon2id 19 MiB x 2 passes (or the same product of
    memory and passes otherwise split) and PBKDF2-SHA256 at 600,000 iterations: 32 MiB x 3 is
    2.5 times its Argon2id minimum, Django's PBKDF2 at 1,000,000 1.7 times its PBKDF2 one.
    64 MiB x 3 (RFC 9106's second recommendation) took 180 ms of CPU: with the rest of a login
    it left too little of the 300 ms budget on a busy 2-core machine.
    One lane (parallelism 1): one login uses one core and leaves the other to the rest of the
    site; more lanes would not slow an attacker, who runs guesses side by side anyway.
    The algorithm name stays "argon2": hashes made with other Argon2 costs are re-made with
    these at the next login (must_update), as PBKDF2 ones are.
    """

    time_cost = 3
    memory_cost = 32 * 1024  # KiB
    parallelism = 1
