from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from .fields import StrictURLField


class ApiRootApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["root"],
        summary="Entry points of the API",
        responses={200: inline_serializer("ApiRoot", {"links": serializers.DictField(child=StrictURLField())})},
    )
    def get(self, request):
        return Response(
            {
                "links": {
                    "docs": reverse("swagger-ui", request=request),
                    "schema": reverse("schema", request=request),
                    "health": reverse("health", request=request),
                    "me": reverse("accounts:me", request=request),
                }
            }
        )
