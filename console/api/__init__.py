"""The platform's Open API: signing, payload codec and HTTP client."""
