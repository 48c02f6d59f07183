"""core.crypto: AES-256-GCM sealing with key ids, the HMAC blind index, where keys come from, and the deploy
check. The primitives are pinned to published vectors:

- AES-GCM: McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)" (the GCM specification submitted to
  NIST, 2005), Appendix B, Test Case 16 (256-bit key, 96-bit IV, 60-byte plaintext, 20-byte AAD).
- HMAC-SHA256: RFC 4231 §4.3, Test Case 2 (key "Jefe").
- HKDF-SHA256: RFC 5869 Appendix A.1, Test Case 1.
"""

from __future__ import annotations

import base64
import secrets
import stat

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from pingan.core import crypto
from pingan.core.checks import data_keys_not_generated, data_keys_readable

KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(32, 64))).decode()
INDEX = base64.b64encode(b"i" * 32).decode()

# McGrew & Viega 2005, Appendix B, Test Case 16.
TC16_KEY = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
TC16_IV = "cafebabefacedbaddecaf888"
TC16_PLAIN = (
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
)
TC16_AAD = "feedfacedeadbeeffeedfacedeadbeefabaddad2"
TC16_CIPHER = (
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
)
TC16_TAG = "76fc6ece0f4e1768cddf8853bb2d551b"


@pytest.fixture
def two_keys(settings):
    settings.PINGAN_DATA_KEYS = f"k2:{KEY_B},k1:{KEY_A}"
    settings.PINGAN_DATA_INDEX_KEY = INDEX
    return crypto.get_keyring()


def test_gcm_seals_and_opens_test_case_16_of_the_gcm_specification():
    key, iv, aad = bytes.fromhex(TC16_KEY), bytes.fromhex(TC16_IV), bytes.fromhex(TC16_AAD)
    sealed = crypto.gcm_seal(key, iv, bytes.fromhex(TC16_PLAIN), aad)
    assert sealed.hex() == TC16_CIPHER + TC16_TAG
    assert crypto.gcm_open(key, iv, sealed, aad).hex() == TC16_PLAIN
    altered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(crypto.DecryptionError):
        crypto.gcm_open(key, iv, altered, aad)


def test_the_sealed_format_is_the_gcm_of_the_spec_under_our_header(monkeypatch, settings):
    """With the vector's key and nonce, `encrypt` writes pa1:<kid>:base64(nonce ‖ GCM(plain, aad=header))."""
    settings.PINGAN_DATA_KEYS = "tc16:" + base64.b64encode(bytes.fromhex(TC16_KEY)).decode()
    settings.PINGAN_DATA_INDEX_KEY = INDEX
    monkeypatch.setattr(secrets, "token_bytes", lambda n: bytes.fromhex(TC16_IV))
    token = crypto.encrypt("13800138000", purpose="phone")
    prefix, kid, body = token.split(":")
    raw = base64.urlsafe_b64decode(body)
    assert (prefix, kid, raw[:12].hex()) == ("pa1", "tc16", TC16_IV)
    assert raw[12:] == crypto.gcm_seal(bytes.fromhex(TC16_KEY), raw[:12], b"13800138000", b"pa1:tc16:phone")
    assert crypto.decrypt(token, purpose="phone") == "13800138000"


def test_hmac_sha256_of_rfc_4231_test_case_2():
    assert (
        crypto.index_digest(b"Jefe", "what do ya want for nothing?")
        == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_hkdf_sha256_of_rfc_5869_test_case_1():
    okm = crypto.hkdf_sha256(bytes([0x0B] * 22), salt=bytes(range(0x0D)), info=bytes(range(0xF0, 0xFA)), length=42)
    assert okm.hex() == ("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")


def test_a_value_is_sealed_under_the_newest_key_and_differs_each_time(two_keys):
    first, second = (crypto.encrypt("430211198503150016", purpose="id_number") for _ in range(2))
    assert first.startswith("pa1:k2:") and first != second
    assert "430211" not in first
    assert crypto.decrypt(first, purpose="id_number") == "430211198503150016"
    assert crypto.encrypt("", purpose="phone") == "" and crypto.decrypt("", purpose="phone") == ""


def test_an_older_key_still_opens_what_it_sealed(settings):
    settings.PINGAN_DATA_KEYS = f"k1:{KEY_A}"
    settings.PINGAN_DATA_INDEX_KEY = INDEX
    old = crypto.encrypt("13800138000", purpose="phone")
    settings.PINGAN_DATA_KEYS = f"k2:{KEY_B},k1:{KEY_A}"
    assert crypto.key_id(old) == "k1"
    assert crypto.decrypt(old, purpose="phone") == "13800138000"
    settings.PINGAN_DATA_KEYS = f"k2:{KEY_B}"  # k1 retired too early
    with pytest.raises(crypto.DecryptionError, match="k1"):
        crypto.decrypt(old, purpose="phone")


def test_an_altered_value_or_one_from_another_column_does_not_open(two_keys):
    token = crypto.encrypt("13800138000", purpose="phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, purpose="id_number")
    body = bytearray(base64.urlsafe_b64decode(token.split(":")[2]))
    body[15] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("pa1:k2:" + base64.urlsafe_b64encode(bytes(body)).decode(), purpose="phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("13800138000", purpose="phone")  # plain text where a sealed value belongs


def test_the_blind_index_is_of_the_canonical_value_and_per_purpose(two_keys):
    # The validators' canonical forms: an ID typed with spaces / in 15 digits, a phone with +86 and dashes.
    first_generation = "430211850315001"  # GB 11643-1989 form of 430211 1985 0315 001 → check digit 6
    same_id = {
        crypto.blind_index(v, purpose="id_number")
        for v in ("430211198503150016", "430211 19850315 0016", first_generation)
    }
    same_phone = {crypto.blind_index(v, purpose="phone") for v in ("13800138000", "+86 138-0013-8000")}
    assert len(same_id) == 1 and len(same_phone) == 1
    assert crypto.blind_index("13800138000", purpose="phone") != crypto.blind_index("13800138000", purpose="id_number")
    assert len(same_phone.pop()) == 64
    assert crypto.blind_index("  ", purpose="phone") == ""
    # An invalid ID still has an index, of its upper-cased compact form.
    assert crypto.blind_index("12345x", purpose="id_number") == crypto.blind_index("12345X", purpose="id_number")


def test_keys_from_a_key_file(settings, tmp_path):
    path = tmp_path / "keys"
    path.write_text(f"# comment\nk9:{KEY_B}\nk8:{KEY_A}\nindex:{INDEX}\n")
    settings.PINGAN_DATA_KEYS = ""
    settings.PINGAN_DATA_KEY_FILE = str(path)
    ring = crypto.get_keyring()
    assert (ring.source, ring.current_kid, [k for k, _ in ring.keys]) == (crypto.KeySource.FILE, "k9", ["k9", "k8"])


@pytest.mark.parametrize(
    ("keys", "index", "message"),
    [
        ("k1:notbase64!", INDEX, "base64"),
        ("k1:" + base64.b64encode(b"short").decode(), INDEX, "32 bytes"),
        (f"k1:{KEY_A},k1:{KEY_B}", INDEX, "twice"),
        (f"k1:{KEY_A}", "", "blind index"),
        (f"bad kid:{KEY_A}", INDEX, "kid"),
    ],
)
def test_a_wrong_key_configuration_is_refused_by_name(settings, keys, index, message):
    settings.PINGAN_DATA_KEYS = keys
    settings.PINGAN_DATA_INDEX_KEY = index
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.load_keyring()
    assert [m.id for m in data_keys_readable()] == ["pingan.E101"]


def test_a_first_run_generates_a_private_key_file_once(settings, tmp_path):
    settings.PINGAN_DATA_KEYS = ""
    settings.PINGAN_DATA_KEY_FILE = ""
    settings.VAR_DIR = tmp_path / "var"
    ring = crypto.get_keyring()
    path = tmp_path / "var" / crypto.GENERATED_FILE_NAME
    assert ring.source == crypto.KeySource.GENERATED and ring.path == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    crypto.reset_keyring()
    assert crypto.get_keyring().keys == ring.keys  # read again, not generated again
    assert [m.id for m in data_keys_readable()] == []


def test_the_deploy_check_refuses_the_generated_key_file_and_a_missing_one(settings, tmp_path):
    settings.PINGAN_DATA_KEYS = ""
    settings.PINGAN_DATA_KEY_FILE = ""
    settings.VAR_DIR = tmp_path
    found = data_keys_not_generated()
    assert [(m.id, m.level) for m in found] == [("pingan.E102", checks.ERROR)]
    settings.PINGAN_DATA_KEY_FILE = str(tmp_path / "missing")
    assert [m.id for m in data_keys_not_generated()] == ["pingan.E102"]
    settings.PINGAN_DATA_KEYS = f"k1:{KEY_A}"
    settings.PINGAN_DATA_INDEX_KEY = INDEX
    assert data_keys_not_generated() == []


def test_the_deploy_check_is_registered_for_check_deploy_only():
    deploy = checks.registry.registry.get_checks(include_deployment_checks=True)
    plain = checks.registry.registry.get_checks(include_deployment_checks=False)
    assert data_keys_not_generated in deploy and data_keys_not_generated not in plain
    assert data_keys_readable in plain
