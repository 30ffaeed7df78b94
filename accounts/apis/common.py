"""What the account APIs share: the schema tags. (A service's Refusal is mapped by the API's exception handler.)"""

from __future__ import annotations

AUTH_TAG = "auth"
ACCOUNT_TAG = "account"
PRIVACY_TAG = "privacy"
SHARING_TAG = "sharing"
