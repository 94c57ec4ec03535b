using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Ppl.Generators.Ir;
using static Ppl.Generators.LoweringSyntax;

namespace Ppl.Generators
{
    /// <summary>The batched form of a model, carried through the pipeline as text (equatable, no symbols).</summary>
    internal sealed partial record ModelData
    {
        /// <summary>The body of the batched form over <c>BatchedTracer __bt</c> (braces included), or null when there is none.</summary>
        public string? BatchedBody { get; init; }

        /// <summary>The return type of the batched form (<c>Tensor</c> for a double, <c>Tensor[]</c> for a double[]…).</summary>
        public string? BatchedReturnType { get; init; }

        /// <summary>The body again with the double parameters as per-particle tensors, or null (no double parameter, or it cannot be lowered so).</summary>
        public string? BatchedTensorArgsBody { get; init; }
    }

    /// <summary>
    /// Lowers a scalar <c>[Model]</c> body to its batched form: one execution over a <c>BatchedTracer</c> stands
    /// for N particles. The model's IR (<see cref="ModelIr"/>) gives the locals that depend on random choices (data flow,
    /// and control flow through branches on random values); those become <c>Tensor</c>s of shape [N] (arrays of them
    /// <c>Tensor[]</c>), everything else stays as written. Arithmetic goes through <c>BatchedOps.Add/Sub/Mul/Div</c>
    /// (a double on either side; never TorchSharp's operators and their temporary Scalars), comparisons, logic and <c>Math.*</c> go through <c>BatchedOps</c>, distributions
    /// map to their tensor counterparts with scalar parameters lifted to 0-d tensors, loops whose bounds do not
    /// depend on random values stay loops (families keep their addresses), and a branch on a random value runs
    /// both branches under masks (<c>PushMask</c>), assignments to outer locals becoming selects. Anything
    /// else stops the lowering with PPL0011 naming the construct. See docs/ARCHITECTURE.md, "Batched inference on tensors".
    /// </summary>
    internal sealed class BatchedLowering
    {
        private const string Ops = "global::Ppl.Inference.Batched.BatchedOps";
        private const string T = "global::TorchSharp.torch.Tensor";

        /// <summary>Ppl's scalar families with a tensor counterpart taking the same parameters in the same order, and the defaults of optional ones.</summary>
        private static readonly Dictionary<string, string?[]> Families = new Dictionary<string, string?[]>(StringComparer.Ordinal)
        {
            ["Normal"] = new string?[] { null, null },
            ["HalfNormal"] = new string?[] { null },
            ["LogNormal"] = new string?[] { null, null },
            ["StudentT"] = new string?[] { null, "0.0", "1.0" },
            ["Cauchy"] = new string?[] { null, null },
            ["HalfCauchy"] = new string?[] { null },
            ["Laplace"] = new string?[] { null, null },
            ["Exponential"] = new string?[] { null },
            ["Gamma"] = new string?[] { null, null },
            ["InverseGamma"] = new string?[] { null, null },
            ["Beta"] = new string?[] { null, null },
            ["Uniform"] = new string?[] { null, null },
            ["Bernoulli"] = new string?[] { null },
            ["Binomial"] = new string?[] { null, null },
            ["Poisson"] = new string?[] { null },
            ["Geometric"] = new string?[] { null },
            ["BernoulliLogit"] = new string?[] { null },
            ["BinomialLogit"] = new string?[] { null, null },
            ["PoissonLog"] = new string?[] { null },
            ["HalfStudentT"] = new string?[] { null, null },
            ["SkewNormal"] = new string?[] { null, null, null },
            ["VonMises"] = new string?[] { null, null },
        };

        private static readonly HashSet<string> MathFunctions = new HashSet<string>(StringComparer.Ordinal)
        {
            "Exp", "Log", "Log10", "Log2", "Sqrt", "Cbrt", "Abs", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Tanh",
            "Floor", "Ceiling", "Sign", "Pow", "Atan2", "Max", "Min", "Clamp",
        };

        private readonly SemanticModel _model;
        // The model's IR, whose data-flow fixed point answers which locals depend on a random choice.
        private readonly ModelIr _ir;
        private readonly IMethodSymbol _method;
        private readonly SyntaxNode _body;
        private readonly CancellationToken _ct;
        private readonly Dictionary<InvocationExpressionSyntax, Site> _sites = new Dictionary<InvocationExpressionSyntax, Site>();
        private readonly HashSet<ISymbol> _random = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        // The branches on random values being emitted, innermost last: an assignment to a local declared outside the innermost becomes a select.
        private readonly List<SyntaxNode> _branches = new List<SyntaxNode>();
        private int _masks;

        private BatchedLowering(SemanticModel model, IMethodSymbol method, SyntaxNode body, List<Site> sites, ModelIr ir, CancellationToken ct)
        {
            _model = model;
            _ir = ir;
            _method = method;
            _body = body;
            _ct = ct;
            foreach (var s in sites) _sites[s.Node] = s;
        }

        /// <summary>Why the lowering stopped: the construct and where it is.</summary>
        private sealed class Unsupported : Exception
        {
            public Unsupported(SyntaxNode node, string what) : base(what) { Node = node; }
            public SyntaxNode Node { get; }
        }

        /// <summary>
        /// The extracted model with its batched form attached, or with PPL0011 saying why there is none. Nothing
        /// (and no diagnostic) when the compilation does not reference Ppl.Inference, whose runtime the form needs.
        /// <paramref name="quiet"/>: no PPL0011 either (a model whose only path is the dynamic tracer, e.g. one with Param).
        /// </summary>
        public static ModelData Attach(ModelData data, SemanticModel model, IMethodSymbol method, SyntaxNode body, List<Site> sites, ModelIr ir, bool dynamic, CancellationToken ct, bool quiet = false)
        {
            if (data.HintName == null || model.Compilation.GetTypeByMetadataName("Ppl.Inference.Batched.BatchedTracer") == null) return data;
            var lowering = new BatchedLowering(model, method, body, sites, ir, ct);
            try
            {
                if (dynamic) throw new Unsupported(body, "the dynamic tracer's constructs (an effect inside a lambda, local function or query, or Param)");
                var (text, ret) = lowering.Lower();
                data = data with { BatchedBody = text, BatchedReturnType = ret };
            }
            catch (Unsupported) when (quiet)
            {
                return data;
            }
            catch (Unsupported u)
            {
                var loc = dynamic ? method.Locations.FirstOrDefault() ?? Location.None : u.Node.GetLocation();
                var diag = DiagInfo.Create("PPL0011", loc, data.ModelName, u.Message);
                return data with { Diagnostics = new EquatableArray<DiagInfo>(data.Diagnostics.Items.Add(diag)) };
            }
            // With per-particle double arguments (an SMC step's previous state): a second lowering where they
            // are tensors; no diagnostic when only this one fails (the model still has its batched form).
            if (!method.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_Double)) return data;
            try
            {
                var perParticle = new BatchedLowering(model, method, body, sites, ir, ct) { _tensorParameters = true };
                var (text, _) = perParticle.Lower();
                return data with { BatchedTensorArgsBody = text };
            }
            catch (Unsupported)
            {
                return data;
            }
        }

        // Double parameters are per-particle tensors (seeds of the taint analysis) instead of shared data.
        private bool _tensorParameters;

        private (string Body, string ReturnType) Lower()
        {
            if (_tensorParameters)
                foreach (var p in _method.Parameters)
                    if (p.Type.SpecialType == SpecialType.System_Double) _random.Add(p);
            Taint();
            _isRandom = new Dictionary<SyntaxNode, bool>();
            foreach (var s in _random)
                if (s is IParameterSymbol p && !(_tensorParameters && p.Type.SpecialType == SpecialType.System_Double)) throw new Unsupported(p.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) ?? _body, $"the parameter '{p.Name}', which is assigned a random value");
            var ret = ReturnType(_method.ReturnType);
            var sb = new StringBuilder();
            if (_body is ExpressionSyntax e)
            {
                sb.AppendLine("    {");
                sb.Append("        return ").Append(ReturnValue(e)).AppendLine(";");
                sb.AppendLine("    }");
            }
            else Statement((StatementSyntax)_body, sb, "    ");
            return (sb.ToString().TrimEnd(), ret);
        }

        // ------------------------------------------------------------------ taint analysis

        /// <summary>
        /// Marks every local that depends on a random choice, by data or by a branch on a random value: the IR's answer
        /// for random-choice sources (a sample, a sub-model's result; with per-particle arguments, the double parameters)
        /// over <see cref="FlowPath.Derived"/> paths, i.e. whatever mentions a random value, including through a branch
        /// on one around a write to an outer local (which becomes a select), and <see cref="FlowPath.Storage"/> ones (an
        /// assignment used as a value has its target's tensor type). Loop and switch conditions, the heap, an
        /// array's length and writes through <c>out</c>/<c>ref</c> are not followed: the lowering rejects or keeps those itself.
        /// </summary>
        private void Taint()
        {
            if (!_ir.Complete) throw new Unsupported(_body, "a body the generator could not analyse");
            var tensorParameters = _tensorParameters;
            _random.UnionWith(_ir.VariablesReaching(
                s => s.Kind == IrSourceKind.Site
                    ? s.Site!.Kind == SiteKind.Sample || s.Site.Kind == SiteKind.Call || s.Site.Kind == SiteKind.ModelCall
                    : s.Kind == IrSourceKind.Parameter && tensorParameters && s.Parameter!.Type.SpecialType == SpecialType.System_Double,
                FlowPath.Derived | FlowPath.Storage));
        }

        /// <summary>The local or parameter an assignment writes (the array for an element), or null for anything else.</summary>
        private ISymbol? Target(ExpressionSyntax left) => LoweringSyntax.AssignedSymbol(_model, left, _ct);

        // Filled once the taint analysis has reached its fixed point (before, the answers can still change).
        private Dictionary<SyntaxNode, bool>? _isRandom;

        /// <summary>True when the expression's value depends on a random choice.</summary>
        private bool IsRandom(SyntaxNode e)
        {
            if (_isRandom == null) return IsRandomCore(e);
            if (_isRandom.TryGetValue(e, out var known)) return known;
            var r = IsRandomCore(e);
            _isRandom[e] = r;
            return r;
        }

        private bool IsRandomCore(SyntaxNode e)
        {
            switch (e)
            {
                case InvocationExpressionSyntax inv when _sites.TryGetValue(inv, out var site) &&
                    (site.Kind == SiteKind.Sample || site.Kind == SiteKind.Call || site.Kind == SiteKind.ModelCall):
                    return true;
                case IdentifierNameSyntax id:
                    return _model.GetSymbolInfo(id, _ct).Symbol is { } s && _random.Contains(s);
                // The length of an array of random values is not random.
                case MemberAccessExpressionSyntax ma when ma.Name.Identifier.ValueText == "Length" && _model.GetTypeInfo(ma.Expression, _ct).Type is IArrayTypeSymbol:
                    return false;
            }
            foreach (var c in e.ChildNodes())
                if (IsRandom(c)) return true;
            return false;
        }

        private bool ContainsSite(SyntaxNode n) => n.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any(_sites.ContainsKey);

        /// <summary>Needs lowering (not copied as written): uses a site or a random value, or under a mask does something a mask must see.</summary>
        private bool Touches(SyntaxNode n)
        {
            if (ContainsSite(n) || IsRandom(n)) return true;
            // A declaration of a random local changes its type, even without an initializer that reads one.
            foreach (var v in n.DescendantNodesAndSelf().OfType<VariableDeclaratorSyntax>())
                if (_model.GetDeclaredSymbol(v, _ct) is { } local && _random.Contains(local)) return true;
            if (_branches.Count == 0) return false;
            return n.DescendantNodesAndSelf().Any(d => d is ReturnStatementSyntax || d is BreakStatementSyntax || d is ContinueStatementSyntax ||
                d is ThrowStatementSyntax || d is ThrowExpressionSyntax || d is GotoStatementSyntax || d is AssignmentExpressionSyntax ||
                d.IsKind(SyntaxKind.PostIncrementExpression) || d.IsKind(SyntaxKind.PostDecrementExpression) ||
                d.IsKind(SyntaxKind.PreIncrementExpression) || d.IsKind(SyntaxKind.PreDecrementExpression));
        }

        // ------------------------------------------------------------------ types

        private static bool IsScalar(ITypeSymbol? t)
        {
            switch (t?.SpecialType)
            {
                case SpecialType.System_Double:
                case SpecialType.System_Single:
                case SpecialType.System_Int32:
                case SpecialType.System_Int64:
                case SpecialType.System_Boolean:
                    return true;
                default:
                    return false;
            }
        }

        private static bool IsScalarArray(ITypeSymbol? t) => t is IArrayTypeSymbol a && a.Rank == 1 && IsScalar(a.ElementType);

        /// <summary>The tensor type a random local of type <paramref name="t"/> becomes.</summary>
        private static string? TensorType(ITypeSymbol? t) => IsScalar(t) ? T : IsScalarArray(t) ? T + "[]" : null;

        private string ReturnType(ITypeSymbol t)
        {
            if (IsScalar(t) || IsScalarArray(t)) return TensorType(t)!;
            if (t is INamedTypeSymbol nt && nt.IsTupleType && nt.TupleElements.All(f => IsScalar(f.Type)))
                return "(" + string.Join(", ", nt.TupleElements.Select(f => T + " " + f.Name)) + ")";
            return t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier));
        }

        /// <summary>True when <paramref name="s"/> is or contains a <c>return</c> with a value of this method (not of a lambda or local function inside it).</summary>
        private static bool ReturnsValue(StatementSyntax s) =>
            s.DescendantNodesAndSelf(n => !(n is AnonymousFunctionExpressionSyntax || n is LocalFunctionStatementSyntax))
                .OfType<ReturnStatementSyntax>().Any(r => r.Expression != null);

        /// <summary>An empty array written as <c>new double[0]</c>, <c>[]</c> or <c>Array.Empty&lt;double&gt;()</c>.</summary>
        private bool IsEmptyArray(ExpressionSyntax e)
        {
            switch (e)
            {
                case CollectionExpressionSyntax c:
                    return c.Elements.Count == 0;
                case ArrayCreationExpressionSyntax ac:
                    if (ac.Initializer != null) return ac.Initializer.Expressions.Count == 0;
                    return ac.Type.RankSpecifiers.Count == 1 && ac.Type.RankSpecifiers[0].Sizes.Count == 1 &&
                           _model.GetConstantValue(ac.Type.RankSpecifiers[0].Sizes[0], _ct) is { HasValue: true, Value: 0 };
                case InvocationExpressionSyntax inv:
                    return inv.ArgumentList.Arguments.Count == 0 && _model.GetSymbolInfo(inv, _ct).Symbol is IMethodSymbol m &&
                           m.Name == "Empty" && m.ContainingType.ToDisplayString() == "System.Array";
                default:
                    return false;
            }
        }

        private string ReturnValue(ExpressionSyntax e)
        {
            var t = _method.ReturnType;
            if (IsScalar(t)) return Lift(e);
            if (IsScalarArray(t))
            {
                var inner = e;
                while (inner is ParenthesizedExpressionSyntax p) inner = p.Expression;
                if (inner is IdentifierNameSyntax id && _model.GetSymbolInfo(id, _ct).Symbol is ILocalSymbol l && _random.Contains(l)) return id.Identifier.ValueText;
                // An empty result is the same for every particle: an empty array of tensors.
                if (IsEmptyArray(inner)) return "global::System.Array.Empty<" + T + ">()";
                throw new Unsupported(e, $"returning an array that is not a local filled with random values ('{e}')");
            }
            if (t is INamedTypeSymbol nt && nt.IsTupleType && nt.TupleElements.All(f => IsScalar(f.Type)))
            {
                var inner = e;
                while (inner is ParenthesizedExpressionSyntax p) inner = p.Expression;
                if (inner is TupleExpressionSyntax tuple) return "(" + string.Join(", ", tuple.Arguments.Select(a => Lift(a.Expression))) + ")";
                throw new Unsupported(e, $"returning a tuple that is not written as a tuple expression ('{e}')");
            }
            if (Touches(e)) throw new Unsupported(e, $"returning a random value of type {t.ToDisplayString()}");
            return e.ToString();
        }

        // ------------------------------------------------------------------ statements

        private void Statement(StatementSyntax s, StringBuilder sb, string indent)
        {
            _ct.ThrowIfCancellationRequested();
            // A return always goes through ReturnValue: the batched form returns tensors, so even a value with no
            // random part (`return new double[0];`) must be lifted or refused, never copied as written.
            // The same holds for a return nested in a statement with no random part (`if (n == 0) return new double[0];`).
            if (!Touches(s) && !(s is BlockSyntax) && !ReturnsValue(s))
            {
                sb.Append(indent).AppendLine(s.ToString());
                return;
            }
            switch (s)
            {
                case BlockSyntax b:
                    sb.Append(indent).AppendLine("{");
                    foreach (var x in b.Statements) Statement(x, sb, indent + "    ");
                    sb.Append(indent).AppendLine("}");
                    return;
                case LocalDeclarationStatementSyntax d:
                    Declaration(d, sb, indent);
                    return;
                case ExpressionStatementSyntax es:
                    sb.Append(indent).Append(ExpressionStatement(es.Expression)).AppendLine(";");
                    return;
                case IfStatementSyntax ifs:
                    If(ifs, sb, indent);
                    return;
                case ForStatementSyntax f:
                    if ((f.Declaration != null && Touches(f.Declaration)) || f.Initializers.Any(Touches) || (f.Condition != null && Touches(f.Condition)) || f.Incrementors.Any(Touches))
                        throw new Unsupported(f, "a for loop whose header depends on a random value (its bounds must be the same for every particle)");
                    sb.Append(indent).Append("for (").Append(f.Declaration?.ToString() ?? string.Join(", ", f.Initializers)).Append("; ")
                        .Append(f.Condition?.ToString() ?? "").Append("; ").Append(string.Join(", ", f.Incrementors)).AppendLine(")");
                    Body(f.Statement, sb, indent);
                    return;
                case ForEachStatementSyntax fe:
                    if (Touches(fe.Expression)) throw new Unsupported(fe, "a foreach loop over random values");
                    sb.Append(indent).Append("foreach (").Append(fe.Type).Append(' ').Append(fe.Identifier.Text).Append(" in ").Append(fe.Expression).AppendLine(")");
                    Body(fe.Statement, sb, indent);
                    return;
                case WhileStatementSyntax w:
                    if (Touches(w.Condition)) throw new Unsupported(w, "a while loop whose condition depends on a random value");
                    sb.Append(indent).Append("while (").Append(w.Condition).AppendLine(")");
                    Body(w.Statement, sb, indent);
                    return;
                case DoStatementSyntax dw:
                    if (Touches(dw.Condition)) throw new Unsupported(dw, "a do loop whose condition depends on a random value");
                    sb.Append(indent).AppendLine("do");
                    Body(dw.Statement, sb, indent);
                    sb.Append(indent).Append("while (").Append(dw.Condition).AppendLine(");");
                    return;
                case ReturnStatementSyntax r:
                    if (_branches.Count > 0) throw new Unsupported(r, "a return inside a branch on a random value (an early return differs between particles)");
                    sb.Append(indent).Append("return").Append(r.Expression == null ? "" : " " + ReturnValue(r.Expression)).AppendLine(";");
                    return;
                case BreakStatementSyntax _:
                case ContinueStatementSyntax _:
                    throw new Unsupported(s, $"'{s}' inside a branch on a random value (the loop would end differently per particle)");
                case ThrowStatementSyntax _:
                    throw new Unsupported(s, "a throw inside a branch on a random value or with a random value");
                case EmptyStatementSyntax _:
                    return;
                default:
                    throw new Unsupported(s, $"a {Describe(s)} that uses a random value");
            }
        }

        private void Body(StatementSyntax s, StringBuilder sb, string indent)
        {
            if (s is BlockSyntax) Statement(s, sb, indent);
            else
            {
                sb.Append(indent).AppendLine("{");
                Statement(s, sb, indent + "    ");
                sb.Append(indent).AppendLine("}");
            }
        }


        private void Declaration(LocalDeclarationStatementSyntax d, StringBuilder sb, string indent)
        {
            if (d.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) || d.IsConst) throw new Unsupported(d, "a using or const declaration of a random value");
            // A ref local aliases another variable, which the lowering (one Tensor per random local) cannot follow.
            if (d.Declaration.Type is RefTypeSyntax) throw new Unsupported(d, "a ref local");
            foreach (var v in d.Declaration.Variables)
            {
                var local = _model.GetDeclaredSymbol(v, _ct) as ILocalSymbol;
                var name = v.Identifier.Text;
                if (local != null && _random.Contains(local))
                {
                    // The site or call in the initializer names the construct more precisely than the local's type.
                    if (TensorType(local.Type) == null && v.Initializer != null) Expr(v.Initializer.Value);
                    var type = TensorType(local.Type) ?? throw new Unsupported(v, $"the local '{name}' of type {local.Type.ToDisplayString()}, which holds a random value");
                    string init;
                    if (IsScalar(local.Type)) init = v.Initializer == null ? "__bt.Scalar(0.0)" : Lift(v.Initializer.Value);
                    else if (v.Initializer?.Value is ArrayCreationExpressionSyntax ac && ac.Initializer == null && ac.Type.RankSpecifiers.Count == 1 &&
                             ac.Type.RankSpecifiers[0].Sizes.Count == 1 && !Touches(ac.Type.RankSpecifiers[0].Sizes[0]))
                        init = "new " + T + "[" + ac.Type.RankSpecifiers[0].Sizes[0] + "]";
                    else
                    {
                        if (v.Initializer != null) Expr(v.Initializer.Value);
                        throw new Unsupported(v, $"the array '{name}' of random values, which is not created as 'new double[n]'");
                    }
                    sb.Append(indent).Append(type).Append(' ').Append(name).Append(" = ").Append(init).AppendLine(";");
                }
                else
                {
                    sb.Append(indent).Append(d.Declaration.Type).Append(' ').Append(name);
                    if (v.Initializer != null) sb.Append(" = ").Append(Expr(v.Initializer.Value).Code);
                    sb.AppendLine(";");
                }
            }
        }

        private void If(IfStatementSyntax ifs, StringBuilder sb, string indent)
        {
            if (!IsRandom(ifs.Condition))
            {
                sb.Append(indent).Append("if (").Append(Expr(ifs.Condition).Code).AppendLine(")");
                Body(ifs.Statement, sb, indent);
                if (ifs.Else != null)
                {
                    sb.Append(indent).AppendLine("else");
                    Body(ifs.Else.Statement, sb, indent);
                }
                return;
            }
            // Both branches run for every particle, each under its mask; the sites inside score only where it holds.
            var mask = "__mask" + _masks++;
            sb.Append(indent).AppendLine("{");
            var inner = indent + "    ";
            sb.Append(inner).Append("var ").Append(mask).Append(" = ").Append(Ops).Append(".Mask(").Append(Expr(ifs.Condition).Code).AppendLine(");");
            sb.Append(inner).Append("__bt.PushMask(").Append(mask).AppendLine(");");
            _branches.Add(ifs.Statement);
            Body(ifs.Statement, sb, inner);
            _branches.RemoveAt(_branches.Count - 1);
            sb.Append(inner).AppendLine("__bt.PopMask();");
            if (ifs.Else != null)
            {
                sb.Append(inner).Append("__bt.PushMask(").Append(Ops).Append(".Not(").Append(mask).AppendLine("));");
                _branches.Add(ifs.Else);
                Body(ifs.Else.Statement, sb, inner);
                _branches.RemoveAt(_branches.Count - 1);
                sb.Append(inner).AppendLine("__bt.PopMask();");
            }
            sb.Append(indent).AppendLine("}");
        }

        /// <summary>True when the innermost branch being emitted does not contain the local's declaration (its old value must be kept where the mask fails).</summary>
        private bool NeedsSelect(ISymbol local)
        {
            if (_branches.Count == 0) return false;
            var decl = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct);
            return decl == null || !_branches[_branches.Count - 1].Span.Contains(decl.Span);
        }

        private string ExpressionStatement(ExpressionSyntax e)
        {
            switch (e)
            {
                case AssignmentExpressionSyntax a:
                    return Assignment(a.Left, a.OperatorToken.Text, a.Right, a);
                case PostfixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.PostIncrementExpression) || u.IsKind(SyntaxKind.PostDecrementExpression):
                    return Assignment(u.Operand, u.IsKind(SyntaxKind.PostIncrementExpression) ? "+=" : "-=", null, u);
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.PreIncrementExpression) || u.IsKind(SyntaxKind.PreDecrementExpression):
                    return Assignment(u.Operand, u.IsKind(SyntaxKind.PreIncrementExpression) ? "+=" : "-=", null, u);
                case InvocationExpressionSyntax inv when _sites.TryGetValue(inv, out var site) && (site.Kind == SiteKind.Observe || site.Kind == SiteKind.Factor || site.Kind == SiteKind.Sample):
                    return Site(inv, site, statement: true);
                default:
                    return Expr(e).Code;
            }
        }

        /// <summary>An assignment (<paramref name="right"/> null for ++/--, which add or subtract 1).</summary>
        private string Assignment(ExpressionSyntax left, string op, ExpressionSyntax? right, SyntaxNode node)
        {
            var target = Target(left);
            var value = right == null ? "1" : null;
            var bare = left;
            while (bare is ParenthesizedExpressionSyntax p) bare = p.Expression;
            if (bare is IdentifierNameSyntax discard && _model.GetSymbolInfo(discard, _ct).Symbol is IDiscardSymbol && right != null)
                return "_ = " + Expr(right).Code; // `_ = Sample(…)`: the site runs, its value is dropped
            if (target == null || !_random.Contains(target))
            {
                if (_branches.Count > 0) throw new Unsupported(node, $"an assignment to '{left}' inside a branch on a random value");
                if (right != null && IsRandom(right)) throw new Unsupported(node, $"an assignment of a random value to '{left}'");
                return left + " " + op + " " + (value ?? Expr(right!).Code);
            }
            var binary = op.Length > 1 && op != "==" ? op.Substring(0, op.Length - 1) : null;
            if (binary != null && binary != "+" && binary != "-" && binary != "*" && binary != "/")
                throw new Unsupported(node, $"the operator '{op}' on a random value");
            if (bare is ElementAccessExpressionSyntax ea)
            {
                if (_branches.Count > 0) throw new Unsupported(node, $"an assignment to the array element '{left}' inside a branch on a random value");
                if (ea.ArgumentList.Arguments.Count != 1 || Touches(ea.ArgumentList.Arguments[0].Expression))
                    throw new Unsupported(node, $"an array '{ea.Expression}' indexed by a random value");
                var element = ea.Expression + "[" + ea.ArgumentList.Arguments[0].Expression + "]";
                var rhs = binary == null ? Lift(right!) : Arith(binary, element, value ?? Expr(right!).Code);
                return element + " = " + rhs;
            }
            var name = ((IdentifierNameSyntax)bare).Identifier.Text;
            var newValue = binary == null ? Lift(right!) : Arith(binary, name, value ?? Expr(right!).Code);
            if (NeedsSelect(target)) newValue = Ops + ".Where(__bt.CurrentMask!, " + newValue + ", " + name + ")";
            return name + " = " + newValue;
        }

        // ------------------------------------------------------------------ expressions

        private readonly struct Ex
        {
            public Ex(string code, bool random) { Code = code; Random = random; }
            public string Code { get; }
            public bool Random { get; }
        }

        /// <summary>A value as a tensor: random values are tensors already; a shared scalar becomes a 0-d tensor of the run's dtype.</summary>
        private string Lift(ExpressionSyntax e)
        {
            var x = Expr(e);
            return x.Random ? x.Code : "__bt.Scalar(" + AsDouble(e, x.Code) + ")";
        }

        /// <summary>A non-random operand as a double (bools as 0/1).</summary>
        private string AsDouble(ExpressionSyntax e, string code)
        {
            var t = _model.GetTypeInfo(e, _ct).Type;
            return t?.SpecialType == SpecialType.System_Boolean ? "((" + code + ") ? 1.0 : 0.0)" : "(double)(" + code + ")";
        }

        /// <summary>An operand of a BatchedOps call: tensors as they are, shared scalars as doubles (bools as 0/1).</summary>
        private string Operand(ExpressionSyntax e)
        {
            var x = Expr(e);
            return x.Random ? x.Code : AsDouble(e, x.Code);
        }

        private Ex Expr(ExpressionSyntax e)
        {
            _ct.ThrowIfCancellationRequested();
            if (!Touches(e)) return new Ex(e.ToString(), false);
            switch (e)
            {
                case ParenthesizedExpressionSyntax p:
                    {
                        var x = Expr(p.Expression);
                        return new Ex("(" + x.Code + ")", x.Random);
                    }
                case IdentifierNameSyntax id:
                    return new Ex(id.Identifier.Text, IsRandom(id));
                case BinaryExpressionSyntax b:
                    return Binary(b);
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.UnaryMinusExpression):
                    {
                        var x = Expr(u.Operand);
                        return new Ex("(-" + x.Code + ")", x.Random);
                    }
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.UnaryPlusExpression):
                    return Expr(u.Operand);
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.LogicalNotExpression):
                    {
                        var x = Expr(u.Operand);
                        return x.Random ? new Ex(Ops + ".Not(" + x.Code + ")", true) : new Ex("(!" + x.Code + ")", false);
                    }
                case ConditionalExpressionSyntax c:
                    {
                        var cond = Expr(c.Condition);
                        if (cond.Random)
                        {
                            if (ContainsSite(c.WhenTrue) || ContainsSite(c.WhenFalse))
                                throw new Unsupported(c, "a random choice inside a ?: on a random condition (write it as an if statement)");
                            return new Ex(Ops + ".Where(" + cond.Code + ", " + Lift(c.WhenTrue) + ", " + Lift(c.WhenFalse) + ")", true);
                        }
                        var t = Expr(c.WhenTrue);
                        var f = Expr(c.WhenFalse);
                        if (!t.Random && !f.Random) return new Ex("(" + cond.Code + " ? " + t.Code + " : " + f.Code + ")", false);
                        return new Ex("(" + cond.Code + " ? " + Lift(c.WhenTrue) + " : " + Lift(c.WhenFalse) + ")", true);
                    }
                case CastExpressionSyntax cast:
                    {
                        var x = Expr(cast.Expression);
                        if (!x.Random) return new Ex("(" + cast.Type + ")(" + x.Code + ")", false);
                        var to = _model.GetTypeInfo(cast.Type, _ct).Type?.SpecialType;
                        if (to == SpecialType.System_Double || to == SpecialType.System_Single) return x;
                        throw new Unsupported(cast, $"the cast '({cast.Type})' of a random value");
                    }
                case InvocationExpressionSyntax inv:
                    return Invocation(inv);
                case ElementAccessExpressionSyntax ea:
                    {
                        if (ea.ArgumentList.Arguments.Count != 1 || Touches(ea.ArgumentList.Arguments[0].Expression))
                            throw new Unsupported(ea, $"an array '{ea.Expression}' indexed by a random value");
                        if (!IsRandom(ea.Expression)) throw new Unsupported(ea, $"the element access '{ea}'");
                        return new Ex(ea.Expression + "[" + ea.ArgumentList.Arguments[0].Expression + "]", true);
                    }
                case AssignmentExpressionSyntax _:
                    throw new Unsupported(e, "an assignment inside an expression");
                default:
                    throw new Unsupported(e, $"a {Describe(e)} on a random value ('{Short(e)}')");
            }
        }


        /// <summary>
        /// Tensor arithmetic through BatchedOps (TensorArithmetic), not TorchSharp's operators: those turn a number (and
        /// the alpha of +) into a temporary Scalar that the finalizer thread may free while libtorch reads it.
        /// </summary>
        private static string Arith(string op, string left, string right) =>
            Ops + "." + (op == "+" ? "Add" : op == "-" ? "Sub" : op == "*" ? "Mul" : "Div") + "(" + left + ", " + right + ")";

        private Ex Binary(BinaryExpressionSyntax b)
        {
            string? arith = null, op = null;
            switch (b.Kind())
            {
                case SyntaxKind.AddExpression: arith = "+"; break;
                case SyntaxKind.SubtractExpression: arith = "-"; break;
                case SyntaxKind.MultiplyExpression: arith = "*"; break;
                case SyntaxKind.DivideExpression: arith = "/"; break;
                case SyntaxKind.LessThanExpression: op = "Lt"; break;
                case SyntaxKind.LessThanOrEqualExpression: op = "Le"; break;
                case SyntaxKind.GreaterThanExpression: op = "Gt"; break;
                case SyntaxKind.GreaterThanOrEqualExpression: op = "Ge"; break;
                case SyntaxKind.EqualsExpression: op = "Eq"; break;
                case SyntaxKind.NotEqualsExpression: op = "Ne"; break;
                case SyntaxKind.LogicalAndExpression:
                case SyntaxKind.BitwiseAndExpression: op = "And"; break;
                case SyntaxKind.LogicalOrExpression:
                case SyntaxKind.BitwiseOrExpression: op = "Or"; break;
            }
            if (arith == null && op == null) throw new Unsupported(b, $"the operator '{b.OperatorToken.Text}' on a random value");
            var l = Expr(b.Left);
            var r = Expr(b.Right);
            if (!l.Random && !r.Random) return new Ex("(" + l.Code + " " + b.OperatorToken.Text + " " + r.Code + ")", false);
            if (arith != null)
            {
                // BatchedOps' arithmetic takes a double on either side of a tensor; a bool does not convert.
                var lc = l.Random ? l.Code : AsDouble(b.Left, l.Code);
                var rc = r.Random ? r.Code : AsDouble(b.Right, r.Code);
                return new Ex(Arith(arith, lc, rc), true);
            }
            if ((op == "And" || op == "Or") && ContainsSite(b.Right))
                throw new Unsupported(b, $"a random choice on the right of '{b.OperatorToken.Text}' with a random left side (it would be evaluated for every particle)");
            if (op == "And" || op == "Or")
                return new Ex(Ops + "." + op + "(" + (l.Random ? l.Code : "(bool)(" + l.Code + ")") + ", " + (r.Random ? r.Code : "(bool)(" + r.Code + ")") + ")", true);
            return new Ex(Ops + "." + op + "(" + Operand(b.Left) + ", " + Operand(b.Right) + ")", true);
        }

        private Ex Invocation(InvocationExpressionSyntax inv)
        {
            if (_sites.TryGetValue(inv, out var site))
            {
                if (site.Kind == SiteKind.ModelCall || site.Kind == SiteKind.Call) Site(inv, site, statement: false);
                if (site.Kind != SiteKind.Sample) throw new Unsupported(inv, $"the value of {site.Kind} used in an expression");
                return new Ex(Site(inv, site, statement: false), true);
            }
            var sym = _model.GetSymbolInfo(inv, _ct).Symbol as IMethodSymbol;
            var args = inv.ArgumentList.Arguments;
            if (sym != null && sym.ContainingType?.ToDisplayString() == "System.Math" && MathFunctions.Contains(sym.Name))
            {
                if (args.Any(a => a.NameColon != null || !a.RefKindKeyword.IsKind(SyntaxKind.None)))
                    throw new Unsupported(inv, $"Math.{sym.Name} with named or ref arguments");
                var anyRandom = args.Any(a => IsRandom(a.Expression));
                if (!anyRandom) return new Ex(inv.Expression + "(" + string.Join(", ", args.Select(a => Expr(a.Expression).Code)) + ")", false);
                if (sym.Name == "Clamp" && (IsRandom(args[1].Expression) || IsRandom(args[2].Expression)))
                    throw new Unsupported(inv, "Math.Clamp with random bounds");
                return new Ex(Ops + "." + sym.Name + "(" + string.Join(", ", args.Select(a => Operand(a.Expression))) + ")", true);
            }
            // Deterministic(value, address…) reports a value (the differentiable form records it); here it is the value.
            if (sym != null && sym.Name == "Deterministic" && sym.ContainingType?.ToDisplayString() == "Ppl.Modeling.Effects" && args.Count > 0 && args[0].NameColon == null)
                return Expr(args[0].Expression);
            var name = sym?.Name ?? inv.Expression.ToString();
            if (args.Any(a => IsRandom(a.Expression)) || IsRandom(inv.Expression))
                throw new Unsupported(inv, $"a call to '{name}' with a random argument (only Math functions, operators and Ppl's distributions are batched)");
            throw new Unsupported(inv, $"a call to '{name}' whose arguments hold effects");
        }

        private string Site(InvocationExpressionSyntax inv, Site s, bool statement)
        {
            switch (s.Kind)
            {
                case SiteKind.Sample:
                    {
                        CheckValueType(inv, s.ValueType);
                        return "__bt.Sample(" + Address(inv, s) + ", " + Distribution(inv, s.Args[0]) + ")";
                    }
                case SiteKind.Observe:
                    {
                        if (!statement) throw new Unsupported(inv, "the value of Observe used in an expression");
                        CheckValueType(inv, s.ValueType);
                        var value = s.Args[1] ?? throw new Unsupported(inv, "an Observe without a value");
                        var x = Expr(value);
                        return "__bt.Observe(" + Address(inv, s) + ", " + Distribution(inv, s.Args[0]) + ", " + (x.Random ? x.Code : AsDouble(value, x.Code)) + ")";
                    }
                case SiteKind.Factor:
                    return "__bt.Factor(" + Lift(s.Args[0] ?? throw new Unsupported(inv, "a Factor without a value")) + ")";
                case SiteKind.ModelCall:
                    throw new Unsupported(inv, SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(inv, _ct).Symbol, _method)
                        ? "recursion (the model calls itself)"
                        : $"a call to the model '{s.DistName}' (sub-models are not batched yet)");
                default:
                    throw new Unsupported(inv, $"a {s.Kind} effect (not batched yet)");
            }
        }

        private static void CheckValueType(SyntaxNode node, string valueType)
        {
            if (valueType != "double" && valueType != "bool" && valueType != "int" && valueType != "long")
                throw new Unsupported(node, $"a choice or observation of type {valueType.Replace("global::", "")} (only double, int and bool values are batched)");
        }

        private string Address(InvocationExpressionSyntax inv, Site s)
        {
            if (s.StaticName != null) return "(global::Ppl.Address)" + SymbolDisplay.FormatLiteral(s.StaticName, quote: true);
            var parts = new List<string>();
            for (var i = s.AddressStart; i < s.AddressStart + s.AddressCount; i++)
            {
                var a = s.Args[i];
                if (a == null) continue;
                if (Touches(a)) throw new Unsupported(a, $"an address that depends on a random value ('{a}')");
                parts.Add("(" + a + ")");
            }
            switch (parts.Count)
            {
                case 1: return "((global::Ppl.Address)" + parts[0] + ")";
                case 2: return "new global::Ppl.Address((global::Ppl.AddressSegment)" + parts[0] + ", (global::Ppl.AddressSegment)" + parts[1] + ")";
                case 3: return "(new global::Ppl.Address((global::Ppl.AddressSegment)" + parts[0] + ", (global::Ppl.AddressSegment)" + parts[1] + ") / (global::Ppl.AddressSegment)" + parts[2] + ")";
                default: throw new Unsupported(inv, "an address the batched form cannot rebuild");
            }
        }

        /// <summary>The tensor counterpart of a scalar distribution built at the site (<c>Normal(mu, 1)</c> or <c>new Normal(mu, 1)</c>).</summary>
        private string Distribution(InvocationExpressionSyntax site, ExpressionSyntax? dist)
        {
            if (dist == null) throw new Unsupported(site, "a site without a distribution");
            var found = LoweringSyntax.DistributionAtSite(_model, dist, _ct);
            var m = found?.Method;
            var list = found?.Arguments;
            var family = found?.Family;
            if (m == null || list == null || family == null || !Families.TryGetValue(family, out var defaults) || m.Parameters.Length != defaults.Length ||
                m.Parameters.Any(p => !IsScalar(p.Type)))
                throw new Unsupported(dist!, $"the distribution '{Short(dist!)}' (batched forms exist for {string.Join(", ", Families.Keys)}, built at the site)");
            var args = new ExpressionSyntax?[defaults.Length];
            for (var i = 0; i < list.Arguments.Count; i++)
            {
                var a = list.Arguments[i];
                var ordinal = a.NameColon == null ? i : m.Parameters.FirstOrDefault(q => q.Name == a.NameColon.Name.Identifier.ValueText)?.Ordinal ?? -1;
                if (ordinal < 0 || ordinal >= args.Length) throw new Unsupported(a, $"the argument '{a}' of {family}");
                args[ordinal] = a.Expression;
            }
            var lifted = new string[defaults.Length];
            for (var i = 0; i < defaults.Length; i++)
                lifted[i] = args[i] != null ? Lift(args[i]!) : "__bt.Scalar(" + (defaults[i] ?? throw new Unsupported(dist!, $"a missing argument of {family}")) + ")";
            return "global::Ppl.Dist." + family + "(" + string.Join(", ", lifted) + ")";
        }
    }
}
