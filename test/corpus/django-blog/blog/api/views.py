from django.db.models import Count, Q
from rest_framework import filters, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from blog.models import Post

from .serializers import CommentSerializer, PostSerializer


class IsAuthorOrReadOnly(permissions.BasePermission):
    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or obj.author_id == request.user.id


class PostViewSet(viewsets.ModelViewSet):
    serializer_class = PostSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsAuthorOrReadOnly]
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["title", "body"]
    ordering_fields = ["published_at", "views"]

    def get_queryset(self):
        qs = Post.objects.select_related("author").prefetch_related("tags")
        qs = qs.annotate(comment_count=Count("comments", filter=Q(comments__active=True)))
        if self.request.user.is_authenticated:
            return qs.filter(Q(status=Post.Status.PUBLISHED) | Q(author=self.request.user))
        return qs.published()

    def perform_create(self, serializer):
        serializer.save(author=self.request.user)

    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        post = self.get_object()
        if request.method == "POST":
            serializer = CommentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            serializer.save(post=post)
            return Response(serializer.data, status=201)
        return Response(CommentSerializer(post.comments.filter(active=True), many=True).data)

    @action(detail=False)
    def query(self, request):
        """Structured search: ?title=...&tag=...&author=..."""
        params = {k: v for k, v in request.query_params.items() if k in {"title", "tag", "author"}}
        qs = self.get_queryset()
        if "title" in params:
            qs = qs.filter(title__icontains=params["title"])
        if "tag" in params:
            qs = qs.filter(tags__slug=params["tag"])
        if "author" in params:
            qs = qs.filter(author__username=params["author"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
