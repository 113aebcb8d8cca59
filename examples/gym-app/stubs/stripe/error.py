class StripeError(Exception):
    pass


class SignatureVerificationError(StripeError):
    def __init__(self, message: str, sig_header: str = "") -> None:
        super().__init__(message)
        self.sig_header = sig_header
