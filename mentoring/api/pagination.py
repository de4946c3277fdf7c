"""Pages of 50 by default; ``?page_size=`` up to 100. A larger ask is served 100 (the
response's ``page_size`` says what was applied), so no request reads a whole table."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class ApiPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    page_size_query_description = (
        f"Results per page: {DEFAULT_PAGE_SIZE} by default, at most {MAX_PAGE_SIZE} (more is served {MAX_PAGE_SIZE})."
    )
    max_page_size = MAX_PAGE_SIZE

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "page_size": self.page.paginator.per_page,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["page_size"] = {
            "type": "integer",
            "example": DEFAULT_PAGE_SIZE,
            "description": f"The page size applied (at most {MAX_PAGE_SIZE}).",
        }
        result["required"] = ["count", "page_size", "results"]
        return result
