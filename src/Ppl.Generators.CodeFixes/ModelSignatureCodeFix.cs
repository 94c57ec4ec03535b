using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ppl.Generators.CodeFixes
{
    /// <summary>
    /// Fixes PPL0005 where the fix is mechanical: a [Model] method that is not static gets <c>static</c>, and
    /// containing classes that are not partial get <c>partial</c>. The other reasons (generic, void, async,
    /// ref parameters, a struct or record container…) need a decision by the user, so no fix is offered.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ModelSignatureCodeFix)), Shared]
    public sealed class ModelSignatureCodeFix : CodeFixProvider
    {
        /// <summary>The title of the fix that adds <c>static</c>; {0} is the method.</summary>
        public const string MakeStaticTitle = "Make model '{0}' static";

        /// <summary>The title of the fix that adds <c>partial</c>; {0} lists the classes.</summary>
        public const string MakePartialTitle = "Make {0} partial";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(FixIds.UnsupportedSignature);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                var method = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
                if (method == null) continue;
                // The reason is only in the message (the generator reports one PPL0005 for several causes); the
                // syntax check below makes sure the fix applies to this declaration.
                var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
                if (message.Contains("must be static") && !method.Modifiers.Any(SyntaxKind.StaticKeyword))
                {
                    var title = string.Format(CultureInfo.InvariantCulture, MakeStaticTitle, method.Identifier.ValueText);
                    context.RegisterCodeFix(
                        CodeAction.Create(title, ct => MakeStatic(context.Document, root, method, ct), equivalenceKey: "PplMakeModelStatic"),
                        diagnostic);
                }
                else if (message.Contains("must be partial"))
                {
                    var classes = method.Ancestors().OfType<ClassDeclarationSyntax>().Where(c => !c.Modifiers.Any(SyntaxKind.PartialKeyword)).ToList();
                    if (classes.Count == 0) continue;
                    var names = string.Join(", ", classes.Select(c => "'" + c.Identifier.ValueText + "'").Reverse());
                    var title = string.Format(CultureInfo.InvariantCulture, MakePartialTitle, names);
                    context.RegisterCodeFix(
                        CodeAction.Create(title, ct => MakePartial(context.Document, root, classes, ct), equivalenceKey: "PplMakeContainerPartial"),
                        diagnostic);
                }
            }
        }

        private static Task<Document> MakeStatic(Document document, SyntaxNode root, MethodDeclarationSyntax method, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            MethodDeclarationSyntax updated;
            if (method.Modifiers.Count == 0)
            {
                // The return type carries the leading trivia (indentation); the new first modifier takes it over.
                var type = method.ReturnType;
                var token = SyntaxFactory.Token(type.GetLeadingTrivia(), SyntaxKind.StaticKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
                updated = method.WithReturnType(type.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(token));
            }
            else
            {
                // C# convention: accessibility first, then static; 'partial' and the like stay after it.
                var index = 0;
                for (var i = 0; i < method.Modifiers.Count; i++)
                    if (IsAccessibility(method.Modifiers[i].Kind())) index = i + 1;
                var token = SyntaxFactory.Token(SyntaxKind.StaticKeyword).WithTrailingTrivia(SyntaxFactory.Space);
                if (index == 0)
                {
                    var first = method.Modifiers[0];
                    token = SyntaxFactory.Token(first.LeadingTrivia, SyntaxKind.StaticKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
                    updated = method.WithModifiers(method.Modifiers.Replace(first, first.WithLeadingTrivia()).Insert(0, token));
                }
                else updated = method.WithModifiers(method.Modifiers.Insert(index, token));
            }
            return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(method, updated)));
        }

        private static bool IsAccessibility(SyntaxKind kind) =>
            kind == SyntaxKind.PublicKeyword || kind == SyntaxKind.PrivateKeyword || kind == SyntaxKind.ProtectedKeyword || kind == SyntaxKind.InternalKeyword;

        private static Task<Document> MakePartial(Document document, SyntaxNode root, System.Collections.Generic.List<ClassDeclarationSyntax> classes, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            var updated = root.ReplaceNodes(classes, (_, rewritten) => AddPartial(rewritten));
            return Task.FromResult(document.WithSyntaxRoot(updated));
        }

        private static ClassDeclarationSyntax AddPartial(ClassDeclarationSyntax c)
        {
            // 'partial' must come last, right before 'class'.
            if (c.Modifiers.Count == 0)
            {
                var keyword = c.Keyword;
                var token = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
                return c.WithKeyword(keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(token));
            }
            return c.WithModifiers(c.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
        }
    }
}
