using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ppl.Generators
{
    /// <summary>The syntax questions and message texts the body lowerings (batched, differentiable) share.</summary>
    internal static class LoweringSyntax
    {
        /// <summary>A node's kind in words, for messages ("for each statement").</summary>
        public static string Describe(SyntaxNode n)
        {
            var k = n.Kind().ToString();
            var sb = new StringBuilder();
            foreach (var c in k)
            {
                if (char.IsUpper(c) && sb.Length > 0) sb.Append(' ');
                sb.Append(char.ToLowerInvariant(c));
            }
            return sb.ToString();
        }

        /// <summary>A node's text on one line, cut to 60 characters, for messages.</summary>
        public static string Short(SyntaxNode n)
        {
            var s = n.ToString().Replace("\r", " ").Replace("\n", " ");
            return s.Length > 60 ? s.Substring(0, 57) + "..." : s;
        }

        /// <summary>The expression inside any parentheses.</summary>
        public static ExpressionSyntax Unparen(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            return e;
        }

        /// <summary>
        /// The expression a node writes: an assignment's left side, an incremented or decremented operand, an argument passed
        /// by reference; null for a node that writes nothing.
        /// </summary>
        public static ExpressionSyntax? WriteTarget(SyntaxNode n) => n switch
        {
            AssignmentExpressionSyntax a => a.Left,
            PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => p.Operand,
            PostfixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PostIncrementExpression) || p.IsKind(SyntaxKind.PostDecrementExpression) => p.Operand,
            ArgumentSyntax a when !a.RefKindKeyword.IsKind(SyntaxKind.None) => a.Expression,
            _ => null,
        };

        /// <summary>The local or parameter an assignment writes (the array for an element), or null for anything else.</summary>
        public static ISymbol? AssignedSymbol(SemanticModel model, ExpressionSyntax left, CancellationToken ct)
        {
            left = Unparen(left);
            if (left is ElementAccessExpressionSyntax ea) left = ea.Expression;
            if (!(left is IdentifierNameSyntax id)) return null;
            var s = model.GetSymbolInfo(id, ct).Symbol;
            return s is ILocalSymbol || s is IParameterSymbol ? s : null;
        }

        /// <summary>
        /// The Ppl distribution built by <paramref name="dist"/> as written at a site: <c>Normal(mu, 1)</c> (a <c>Ppl.Dist</c>
        /// factory) or <c>new Normal(mu, 1)</c> (a constructor of <c>Ppl.Distributions</c>): the method or constructor, its
        /// arguments and the family's name; null for anything else.
        /// </summary>
        public static (IMethodSymbol Method, ArgumentListSyntax? Arguments, string Family)? DistributionAtSite(SemanticModel model, ExpressionSyntax? dist, CancellationToken ct)
        {
            var e = dist == null ? null : Unparen(dist);
            if (e is InvocationExpressionSyntax call && model.GetSymbolInfo(call, ct).Symbol is IMethodSymbol f && f.ContainingType?.ToDisplayString() == "Ppl.Dist")
                return (f, call.ArgumentList, f.Name);
            if (e is BaseObjectCreationExpressionSyntax oc && model.GetSymbolInfo(oc, ct).Symbol is IMethodSymbol ctor &&
                ctor.ContainingType?.ContainingNamespace?.ToDisplayString() == "Ppl.Distributions")
                return (ctor, oc.ArgumentList, ctor.ContainingType.Name);
            return null;
        }
    }
}
