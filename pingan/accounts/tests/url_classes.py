"""How the accounts' own pages keep users inside their jurisdiction (see tests/test_url_inventory.py)."""

# 修改密码 shows and changes only the signed-in user's own account, nobody else's data, and is open to every
# signed-in user, the three administrators included (it is not a business page): classified with the
# sign-in and sign-out pages. Anonymous callers go to the login page (pingan/accounts/tests/test_passwords.py).
PUBLIC = {"password-change"}
