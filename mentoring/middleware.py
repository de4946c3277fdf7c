"""Security headers on every response, for pages Django's own middleware does not cover.

Content-Security-Policy: everything comes from this site (Bootstrap is served locally);
no inline script; frame-ancestors 'none' forbids framing like X-Frame-Options: DENY.
"""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The admin uses inline styles; it keeps a policy that allows them and nothing more.
        policy = CONTENT_SECURITY_POLICY
        if request.path.startswith("/admin/"):
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
