"""How the second-factor URLs keep users inside their jurisdiction (see tests/test_url_inventory.py): they
hold no one else's data. Each serves only the signed-in user's own devices (enrolment, the recovery codes shown
once, verification; anonymous callers are sent to sign in: test_otp.py), so they are classed with the sign-in
pages. The security administrator's reset is an action in the back office's user list (/admin/, jurisdiction
by JurisdictionAdminMixin)."""

PUBLIC = {"otp-enrol", "otp-recovery-codes", "otp-verify"}
