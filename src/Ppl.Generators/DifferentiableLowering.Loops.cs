using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Ppl.Generators.LoweringSyntax;

namespace Ppl.Generators
{
    /// <summary>
    /// The loop forms of the differentiable lowering: the typical model's loops written as a hand-written vectorised
    /// density writes them. Each rewrite keeps the loop's visits, values and log density (the same sites in the same
    /// order, the same double arithmetic), and applies only where a syntactic check proves that.
    /// <list type="bullet">
    /// <item>A family of choices drawn first in a <c>for</c> loop from one distribution (<c>z[k] = Sample(Normal(0, 1), "z", k)</c>,
    /// or <c>var eta = Sample(…, "eta", j)</c> followed by the rest of the body) is drawn before the loop in one call,
    /// <c>__dc.SampleFamily</c>, whose normal family sums its log density in one pass (Stan's vectorised
    /// <c>std_normal</c>).</item>
    /// <item>A gather <c>mu + tau * z[group[i]]</c> in a loop, whose other operands and array the loop does not change, is
    /// computed once per entry of <c>z</c> before the loop and read by index in it: one node per group, as the
    /// hand-written density's, with no run-time lookup (the shared form's memo).</item>
    /// <item>An array the form creates (<c>new double[n]</c>, which becomes <c>Real[]</c>) comes from the context's pool
    /// (<c>__dc.NewArray</c>; the arrays these rewrites fill whole, <c>__dc.ScratchArray</c>, uncleared), so a gradient allocates nothing.</item>
    /// </list>
    /// Helpers lowered over Real have no context and keep the plain forms.
    /// </summary>
    internal sealed partial class DifferentiableLowering
    {
        // A helper's lowered copy has no context (__dc): no pooled arrays, no family calls, no hoisted gathers.
        private bool _inHelper;

        // The statements of a loop that a rewrite replaced (the text stands in the statement's place; empty removes it),
        // the gathers read from a hoisted array (the text replaces the a + b·c expression), and the number of hoisted
        // names given out in this lowering.
        private readonly Dictionary<SyntaxNode, string> _loopReplacements = new Dictionary<SyntaxNode, string>();
        private readonly HashSet<ForStatementSyntax> _loopsLowered = new HashSet<ForStatementSyntax>();
        private int _hoisted;

        /// <summary><c>__dc.NewArray(n)</c> for a one-dimensional array of random values created with an int length and no initializer, or null.</summary>
        private string? PooledArray(ArrayCreationExpressionSyntax ac)
        {
            if (_inHelper || ac.Initializer != null || ac.Type.RankSpecifiers.Count != 1) return null;
            var sizes = ac.Type.RankSpecifiers[0].Sizes;
            if (sizes.Count != 1 || sizes[0] is OmittedArraySizeExpressionSyntax) return null;
            if (_model.GetTypeInfo(sizes[0], _ct).Type?.SpecialType != SpecialType.System_Int32) return null;
            return "__dc.NewArray(" + EmitTrimmed(sizes[0]) + ")";
        }

        /// <summary>
        /// The lowered text of a <c>for</c> loop with its rewrites (a family drawn before it, gathers hoisted out of it),
        /// or null when none applies.
        /// </summary>
        private string? LoopForm(ForStatementSyntax f)
        {
            if (_inHelper || _loopsLowered.Contains(f)) return null;
            var pre = new StringBuilder();
            var indent = LeadingIndent(f);
            var whole = false;
            if (Counted(f) is { } loop && FirstStatement(f) is { } first && LeadingFamily(f, loop, first) is { } family)
            {
                pre.Append(family.Before.Replace("\n", "\n" + indent)).Append("\n").Append(indent);
                if (family.Replacement == null) whole = true;
                else _loopReplacements[first] = family.Replacement;
            }
            if (!whole)
                foreach (var gather in Gathers(f))
                {
                    var name = "__pplGather" + _hoisted++;
                    var array = EmitTrimmed(gather.Array);
                    var operands = gather.Operands.Select(o => Unparen(o) == gather.Access ? array + "[__pplK]" : EmitTrimmed(o)).ToArray();
                    pre.Append(RealType).Append("[] ").Append(name).Append(" = __dc.ScratchArray(").Append(array).Append(".Length); ")
                       .Append("for (var __pplK = 0; __pplK < ").Append(name).Append(".Length; __pplK++) ").Append(name).Append("[__pplK] = global::Ppl.Autodiff.RealMath.")
                       .Append(gather.Function).Append("(").Append(string.Join(", ", operands)).Append(");\n").Append(indent);
                    _loopReplacements[gather.Expression] = name + "[" + EmitTrimmed(gather.Access.ArgumentList.Arguments[0].Expression) + "]";
                }
            // After the gathers: the observations' arguments are emitted now, and read the hoisted arrays.
            var post = "";
            if (!whole && Counted(f) is { } counted && LastStatement(f) is { } last && TrailingNormalObservations(counted, last) is { } observations)
            {
                pre.Append(observations.Before).Append("\n").Append(indent);
                // A body that is the statement alone gets braces: the replacement is three statements.
                _loopReplacements[last] = last == f.Statement ? "{ " + observations.Replacement + " }" : observations.Replacement!;
                post = " " + observations.After;
            }
            if (pre.Length == 0) return null;
            if (whole) return Lead(f) + "{ " + pre.ToString().TrimEnd() + " }" + Trail(f);
            _loopsLowered.Add(f);
            try
            {
                // The loop's text may end in a comment: what follows it starts a new line.
                return Lead(f) + "{ " + pre + Emit(f).Trim() + "\n" + indent + post.TrimStart() + " }" + Trail(f);
            }
            finally
            {
                _loopsLowered.Remove(f);
            }
        }

        private static string LeadingIndent(SyntaxNode n)
        {
            var lead = n.GetLeadingTrivia().ToFullString();
            var line = lead.LastIndexOf('\n');
            return line >= 0 ? lead.Substring(line + 1) : lead;
        }

        /// <summary>A counted loop: <c>for (var k = from; k &lt; to; k++)</c> over an int that the body never writes, with bounds the body cannot change.</summary>
        private sealed class CountedLoop
        {
            public ILocalSymbol Index = null!;
            public ExpressionSyntax From = null!;
            public ExpressionSyntax To = null!;
        }

        private CountedLoop? Counted(ForStatementSyntax f)
        {
            if (f.Declaration is not { } d || d.Variables.Count != 1 || d.Variables[0].Initializer is not { } init || f.Initializers.Count != 0) return null;
            if (_model.GetDeclaredSymbol(d.Variables[0], _ct) is not ILocalSymbol k || k.Type.SpecialType != SpecialType.System_Int32) return null;
            if (f.Condition is not BinaryExpressionSyntax cond || !cond.IsKind(SyntaxKind.LessThanExpression) || !Names(cond.Left, k)) return null;
            if (f.Incrementors.Count != 1 || !IsIncrement(f.Incrementors[0], k)) return null;
            // No jump leaves an iteration early or the loop, and nothing captures the loop's locals.
            if (f.Statement.DescendantNodesAndSelf().Any(n => n is BreakStatementSyntax || n is ContinueStatementSyntax || n is GotoStatementSyntax ||
                                                             n is ReturnStatementSyntax || n is YieldStatementSyntax || n is LabeledStatementSyntax ||
                                                             n is AnonymousFunctionExpressionSyntax || n is LocalFunctionStatementSyntax))
                return null;
            // The body never writes k (the incrementor alone does), and the bounds are the same in every iteration.
            if (Written(f.Statement).Contains(k)) return null;
            var written = Written(f);
            var whole = Written(f, wholeOnly: true);
            if (!Invariant(init.Value, written, k, whole) || !Invariant(cond.Right, written, k, whole)) return null;
            return new CountedLoop { Index = k, From = init.Value, To = cond.Right };
        }

        private bool Names(ExpressionSyntax e, ISymbol s) =>
            Unparen(e) is IdentifierNameSyntax id && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(id, _ct).Symbol, s);

        private bool IsIncrement(ExpressionSyntax e, ILocalSymbol k) => e switch
        {
            PostfixUnaryExpressionSyntax p => p.IsKind(SyntaxKind.PostIncrementExpression) && Names(p.Operand, k),
            PrefixUnaryExpressionSyntax p => p.IsKind(SyntaxKind.PreIncrementExpression) && Names(p.Operand, k),
            _ => false,
        };

        /// <summary>
        /// The locals and parameters a statement writes (a whole variable or, unless <paramref name="wholeOnly"/>, an element); for a
        /// loop, in its body, condition and incrementors.
        /// </summary>
        private HashSet<ISymbol> Written(SyntaxNode f, bool wholeOnly = false)
        {
            var written = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var n in f.DescendantNodesAndSelf())
            {
                var target = WriteTarget(n);
                if (target != null && AssignedSymbol(_model, target, _ct) is { } s && !(wholeOnly && Unparen(target) is ElementAccessExpressionSyntax)) written.Add(s);
                // A declared local is written by its initializer each iteration.
                if (n is VariableDeclaratorSyntax v && _model.GetDeclaredSymbol(v, _ct) is { } local) written.Add(local);
            }
            return written;
        }

        /// <summary>
        /// True for an expression whose value the loop cannot change and whose evaluation has no effect and cannot throw:
        /// literals, locals and parameters the loop does not write (other than <paramref name="k"/>), an array's <c>Length</c>,
        /// arithmetic and <c>Math</c> functions of those.
        /// </summary>
        private bool Invariant(ExpressionSyntax e, HashSet<ISymbol> written, ILocalSymbol k, HashSet<ISymbol>? wholeWritten = null)
        {
            switch (e)
            {
                case LiteralExpressionSyntax _:
                    return true;
                case IdentifierNameSyntax id:
                    return _model.GetSymbolInfo(id, _ct).Symbol is { } s && (s is ILocalSymbol || s is IParameterSymbol) &&
                           !SymbolEqualityComparer.Default.Equals(s, k) && !written.Contains(s);
                case MemberAccessExpressionSyntax m when m.Name.Identifier.ValueText == "Length" && _model.GetTypeInfo(m.Expression, _ct).Type is IArrayTypeSymbol:
                    // Writing an element leaves the length as it is: only replacing the array changes it.
                    return Unparen(m.Expression) is IdentifierNameSyntax array && _model.GetSymbolInfo(array, _ct).Symbol is { } a && (a is ILocalSymbol || a is IParameterSymbol) &&
                           !SymbolEqualityComparer.Default.Equals(a, k) && !(wholeWritten ?? written).Contains(a);
                case ParenthesizedExpressionSyntax p:
                    return Invariant(p.Expression, written, k, wholeWritten);
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.UnaryMinusExpression) || u.IsKind(SyntaxKind.UnaryPlusExpression):
                    return Invariant(u.Operand, written, k, wholeWritten);
                case BinaryExpressionSyntax b when IsArithmetic(b) && !b.IsKind(SyntaxKind.DivideExpression) && !b.IsKind(SyntaxKind.ModuloExpression) || b.IsKind(SyntaxKind.DivideExpression) && IsFloating(_model.GetTypeInfo(b, _ct).Type):
                    return Invariant(b.Left, written, k, wholeWritten) && Invariant(b.Right, written, k, wholeWritten);
                case InvocationExpressionSyntax inv when MathCall(inv) != null:
                    return inv.ArgumentList.Arguments.All(a => a.RefKindKeyword.IsKind(SyntaxKind.None) && Invariant(a.Expression, written, k, wholeWritten));
                default:
                    return false;
            }
        }

        private static StatementSyntax? FirstStatement(ForStatementSyntax f) => f.Statement is BlockSyntax b ? b.Statements.FirstOrDefault() : f.Statement;

        /// <summary>A family drawn before its loop: the code before the loop, and the first statement's replacement (null: the loop goes).</summary>
        private sealed class DrawnFamily
        {
            public string Before = "";
            public string? Replacement;
        }

        /// <summary>
        /// The loop's first statement as a family drawn before the loop: <c>z[k] = Sample(d, "name", k)</c> (an array the rest
        /// of the body reads only at <c>k</c> and does not write) or <c>var x = Sample(d, "name", k)</c> with the loop from 0,
        /// where <c>d</c> is a continuous scalar distribution whose arguments the loop does not change; null otherwise.
        /// </summary>
        private DrawnFamily? LeadingFamily(ForStatementSyntax f, CountedLoop loop, StatementSyntax first)
        {
            InvocationExpressionSyntax? inv;
            ExpressionSyntax? array = null;
            ILocalSymbol? local = null;
            switch (first)
            {
                case ExpressionStatementSyntax es when es.Expression is AssignmentExpressionSyntax a && a.IsKind(SyntaxKind.SimpleAssignmentExpression) &&
                                                     Unparen(a.Left) is ElementAccessExpressionSyntax ea && ea.ArgumentList.Arguments.Count == 1 &&
                                                     Names(ea.ArgumentList.Arguments[0].Expression, loop.Index) && Unparen(ea.Expression) is IdentifierNameSyntax:
                    inv = Unparen(a.Right) as InvocationExpressionSyntax;
                    array = Unparen(ea.Expression);
                    break;
                case LocalDeclarationStatementSyntax ld when ld.Declaration.Variables.Count == 1 && ld.Declaration.Variables[0].Initializer is { } init && FromZero(loop):
                    inv = Unparen(init.Value) as InvocationExpressionSyntax;
                    local = _model.GetDeclaredSymbol(ld.Declaration.Variables[0], _ct) as ILocalSymbol;
                    if (local == null || !IsFloating(local.Type)) return null;
                    break;
                default:
                    return null;
            }
            if (inv == null || !_sites.TryGetValue(inv, out var s) || s.Kind != SiteKind.Sample || !IsContinuousDouble(s) || VectorChoiceFamily(s) != null) return null;
            if (FamilyName(s, loop) is not { } name) return null;
            var written = Written(f);
            if (s.Args[0] is not { } dist || LoweringSyntax.DistributionAtSite(_model, dist, _ct) is not { } d) return null;
            if (d.Arguments != null && !d.Arguments.Arguments.All(a => a.NameColon == null && Invariant(a.Expression, written, loop.Index))) return null;
            var family = Family(inv, s);
            var call = "__dc.SampleFamily(" + name.ToString() + ", ";
            if (array != null)
            {
                // The array: written only here in the loop and read only at k, so drawing the whole family first changes nothing the body sees.
                var arraySymbol = _model.GetSymbolInfo(array, _ct).Symbol;
                if (arraySymbol == null || !_random.Contains(arraySymbol)) return null;
                foreach (var id in f.Statement.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (!SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(id, _ct).Symbol, arraySymbol) || first.Contains(id)) continue;
                    if (!(id.Parent is ElementAccessExpressionSyntax read && read.Expression == id && read.ArgumentList.Arguments.Count == 1 &&
                          Names(read.ArgumentList.Arguments[0].Expression, loop.Index)) || IsWritten(read))
                        return null;
                }
                var code = call + EmitTrimmed(loop.From) + ", " + EmitTrimmed(loop.To) + ", " + EmitTrimmed(array) + ", " + Distribution(dist, family) + ");";
                return new DrawnFamily { Before = code, Replacement = f.Statement is BlockSyntax b && b.Statements.Count > 1 ? "" : null };
            }
            var pool = "__pplFamily" + _hoisted++;
            var to = EmitTrimmed(loop.To);
            var before = RealType + "[] " + pool + " = __dc.ScratchArray(global::System.Math.Max(" + to + ", 0)); " +
                         call + "0, " + to + ", " + pool + ", " + Distribution(dist, family) + ");";
            var replacement = RealType + " " + EscapedName(local!) + " = " + pool + "[" + EscapedName(loop.Index) + "];";
            return new DrawnFamily { Before = before, Replacement = f.Statement is BlockSyntax block && block.Statements.Count > 1 || local != null ? replacement : null };
        }

        /// <summary>The name of a site addressed <c>("name", k)</c> by a string literal and the loop's index, or null.</summary>
        private LiteralExpressionSyntax? FamilyName(Site s, CountedLoop loop) =>
            s.StaticName == null && s.AddressCount == 2 && s.Args.Length >= s.AddressStart + 2 &&
            s.Args[s.AddressStart] is LiteralExpressionSyntax name && name.IsKind(SyntaxKind.StringLiteralExpression) &&
            s.Args[s.AddressStart + 1] is { } index && Names(index, loop.Index)
                ? name
                : null;

        /// <summary>True for a loop from the literal 0.</summary>
        private static bool FromZero(CountedLoop loop) => Unparen(loop.From) is LiteralExpressionSyntax from && from.Token.Value is int start && start == 0;

        private static StatementSyntax? LastStatement(ForStatementSyntax f) => f.Statement is BlockSyntax b ? b.Statements.LastOrDefault() : f.Statement;

        /// <summary>
        /// The loop's last statement, <c>Observe(Normal(mu, sigma), value, "name", k)</c> with the loop from 0, as observations
        /// made after the loop: the arrays before it, the statement that fills them in its place (in the order the call
        /// evaluated its arguments) and the one call after the loop; null otherwise.
        /// </summary>
        private Observations? TrailingNormalObservations(CountedLoop loop, StatementSyntax last)
        {
            if (last is not ExpressionStatementSyntax es || Unparen(es.Expression) is not InvocationExpressionSyntax inv || !_sites.TryGetValue(inv, out var s)) return null;
            if (s.Kind != SiteKind.Observe || s.ValueType != "double" || !FromZero(loop) || FamilyName(s, loop) is not { } name || s.Args[1] is not { } value) return null;
            if (s.Args[0] is not { } dist || LoweringSyntax.DistributionAtSite(_model, dist, _ct) is not { } d || Family(inv, s) != "Normal" ||
                d.Arguments is not { } arguments || arguments.Arguments.Count != 2 || arguments.Arguments.Any(a => a.NameColon != null))
                return null;
            var n = _hoisted++;
            var (mu, sigma, values) = ("__pplMu" + n, "__pplSigma" + n, "__pplValue" + n);
            var to = EmitTrimmed(loop.To);
            var k = EscapedName(loop.Index);
            var length = "__dc.ScratchArray(global::System.Math.Max(" + to + ", 0)); ";
            return new Observations
            {
                Before = RealType + "[] " + mu + " = " + length + RealType + "[] " + sigma + " = " + length + RealType + "[] " + values + " = " + length.TrimEnd(),
                Replacement = mu + "[" + k + "] = " + EmitTrimmed(arguments.Arguments[0].Expression) + "; " + sigma + "[" + k + "] = " + EmitTrimmed(arguments.Arguments[1].Expression) +
                              "; " + values + "[" + k + "] = " + EmitTrimmed(value) + ";",
                After = "__dc.ObserveNormalFamily(" + name + ", 0, " + to + ", " + mu + ", " + sigma + ", " + values + ");",
            };
        }

        /// <summary>A loop's observations made after it: the arrays, the statement that fills them, the call.</summary>
        private sealed class Observations
        {
            public string Before = "";
            public string? Replacement;
            public string After = "";
        }

        private static string EscapedName(ISymbol s) => SyntaxFacts.GetKeywordKind(s.Name) != SyntaxKind.None ? "@" + s.Name : s.Name;

        /// <summary>True when an element access is written (assigned, incremented, passed by reference).</summary>
        private static bool IsWritten(ElementAccessExpressionSyntax e)
        {
            SyntaxNode n = e;
            while (n.Parent is ParenthesizedExpressionSyntax) n = n.Parent;
            return n.Parent is { } parent && WriteTarget(parent) == n;
        }

        /// <summary>A gather hoisted out of its loop: the a + b·c expression, its function, its operands in order, and the one that reads the array.</summary>
        private sealed class Gather
        {
            public BinaryExpressionSyntax Expression = null!;
            public string Function = "";
            public ExpressionSyntax[] Operands = null!;
            public ElementAccessExpressionSyntax Access = null!;
            public ExpressionSyntax Array = null!;
        }

        /// <summary>
        /// The fused multiply-adds in <paramref name="f"/> (its own body, not a nested loop's) that read a random array at an
        /// index other than the loop's variable, with every other operand a literal or a local or parameter the loop does not
        /// write, and an array the loop does not write: each is the same function of the array's entry in every iteration.
        /// </summary>
        private List<Gather> Gathers(ForStatementSyntax f)
        {
            var found = new List<Gather>();
            HashSet<ISymbol>? written = null;
            foreach (var add in f.Statement.DescendantNodesAndSelf().OfType<BinaryExpressionSyntax>())
            {
                if (add.Ancestors().OfType<ForStatementSyntax>().FirstOrDefault() != f ||
                    add.Ancestors().TakeWhile(a => a != f).Any(a => a is AnonymousFunctionExpressionSyntax || a is LocalFunctionStatementSyntax))
                    continue;
                if (!add.IsKind(SyntaxKind.AddExpression) || !IsDouble(add) || FusedMultiplyAdd(add) is not { } fused || !fused.Contains("Shared(")) continue;
                string function;
                ExpressionSyntax[] operands;
                if (add.Right is BinaryExpressionSyntax right && right.IsKind(SyntaxKind.MultiplyExpression) && fused.StartsWith("global::Ppl.Autodiff.RealMath.AddMul"))
                {
                    function = "AddMul";
                    operands = new[] { add.Left, right.Left, right.Right };
                }
                else if (add.Left is BinaryExpressionSyntax left && left.IsKind(SyntaxKind.MultiplyExpression))
                {
                    function = "MulAdd";
                    operands = new[] { left.Left, left.Right, add.Right };
                }
                else continue;
                written ??= Written(f);
                ElementAccessExpressionSyntax? access = null;
                var ok = true;
                foreach (var o in operands)
                {
                    var u = Unparen(o);
                    if (access == null && u is ElementAccessExpressionSyntax ea && ea.ArgumentList.Arguments.Count == 1 && Unparen(ea.Expression) is IdentifierNameSyntax arr &&
                        IsRandom(ea.Expression) && _model.GetSymbolInfo(arr, _ct).Symbol is { } s && (s is ILocalSymbol || s is IParameterSymbol) && !written.Contains(s) &&
                        _model.GetTypeInfo(arr, _ct).Type is IArrayTypeSymbol at && at.Rank == 1 &&
                        !(Unparen(ea.ArgumentList.Arguments[0].Expression) is IdentifierNameSyntax ix && IsForLoopVariable(ix, ea)))
                    {
                        access = ea;
                        continue;
                    }
                    if (!(u is LiteralExpressionSyntax || u is IdentifierNameSyntax id && _model.GetSymbolInfo(id, _ct).Symbol is { } os &&
                          (os is ILocalSymbol || os is IParameterSymbol) && !written.Contains(os)))
                        ok = false;
                }
                if (!ok || access == null) continue;
                found.Add(new Gather { Expression = add, Function = function, Operands = operands, Access = access, Array = Unparen(access.Expression) });
            }
            return found;
        }
    }
}
