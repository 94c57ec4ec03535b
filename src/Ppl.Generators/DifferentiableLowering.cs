using System;
using System.Collections.Generic;
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
    /// <summary>The differentiable form of a model, carried through the pipeline as text (equatable, no symbols).</summary>
    internal sealed partial record ModelData
    {
        /// <summary>The body of the differentiable form over <c>DifferentiableContext __dc</c> (braces included), or null when there is none.</summary>
        public string? DifferentiableBody { get; init; }

        /// <summary>Why there is no differentiable form (the PPL0012 message), or null.</summary>
        public string? DifferentiableMissing { get; init; }

        /// <summary>The callable form's body (double parameters as Real), or null when it has none (it then throws with <see cref="DifferentiableCallMissing"/>).</summary>
        public string? DifferentiableCallBody { get; init; }

        /// <summary>The user's helper methods lowered to Real (private static methods beside the forms), or null.</summary>
        public string? DifferentiableHelpers { get; init; }

        /// <summary>Why the callable form (for callers passing random values) cannot be lowered, or null.</summary>
        public string? DifferentiableCallMissing { get; init; }

        /// <summary>
        /// The signature of the callable differentiable form <c>__{Method}DifferentiableCall</c> (double parameters and
        /// returns as Real), emitted for every model of a compilation that has the runtime (with a throwing body when
        /// there is no form), so that a caller's form can call it; null when the compilation lacks the runtime.
        /// </summary>
        public string? DifferentiableSignature { get; init; }
    }

    /// <summary>
    /// Lowers a <c>[Model]</c> body to its differentiable form: the log joint density of its continuous choices
    /// on unconstrained space, over <c>Ppl.Autodiff.Real</c>, so that NUTS, HMC and MALA get exact reverse-mode
    /// gradients from the model as written (Stan's and NumPyro's "write the model once").
    /// <para>
    /// The body's IR (<see cref="ModelIr"/>, data flow only) gives the locals whose values depend on a continuous choice; they become
    /// <c>Real</c> (arrays <c>Real[]</c>), and so do the array creations that fill them. Every other statement is the
    /// user's own text: <c>Real</c> has the arithmetic and comparison operators of <c>double</c>, so loops, branches
    /// (on data or on random values: the form is evaluated at one point), locals and arrays need no rewriting.
    /// <c>Math.*</c> calls on random values become <c>RealMath.*</c>, <c>(double)</c> casts of random values are dropped,
    /// each site becomes a call on the context with the distribution's <c>RealDist</c> counterpart (so the
    /// parameters are differentiated too, and a support whose bounds depend on other choices is mapped from ℝ
    /// through those bounds). The return value is not computed (reports use the ordinary generated model).
    /// </para>
    /// <para>
    /// Every use of a random value is checked against a whitelist (arithmetic, comparisons, Math functions, sites,
    /// locals and arrays of random values, the compilation's static helpers (lowered once each into copies over
    /// <c>Real</c>) and sub-models (through their callable forms)); anything else — a random value stored outside a
    /// local, a sampled vectorised observation family, a call the generator cannot see — stops the lowering with PPL0012 naming the
    /// construct, and gradient-based inference on the model (<c>ModelDensity.Create</c>) then says so.
    /// </para>
    /// </summary>
    internal sealed partial class DifferentiableLowering
    {
        private const string RealType = "global::Ppl.Autodiff.Real";
        private const string Site = "global::Ppl.Modeling.SiteAddress";

        /// <summary>Ppl's scalar families with a <c>RealDist</c> counterpart, and whether they are discrete.</summary>
        private static readonly Dictionary<string, bool> Families = new Dictionary<string, bool>(StringComparer.Ordinal)
        {
            ["Normal"] = false, ["HalfNormal"] = false, ["LogNormal"] = false, ["StudentT"] = false, ["Cauchy"] = false,
            ["HalfCauchy"] = false, ["Laplace"] = false, ["Exponential"] = false, ["Gamma"] = false, ["InverseGamma"] = false,
            ["Beta"] = false, ["Uniform"] = false, ["Flat"] = false, ["HalfFlat"] = false, ["HalfStudentT"] = false,
            ["SkewNormal"] = false, ["VonMises"] = false, ["Truncated"] = false,
            ["Bernoulli"] = true, ["Binomial"] = true, ["Poisson"] = true, ["Geometric"] = true, ["NegativeBinomial"] = true,
            ["BernoulliLogit"] = true, ["BinomialLogit"] = true, ["PoissonLog"] = true,
            ["Categorical"] = true, ["DiscreteUniform"] = true,
        };

        /// <summary>
        /// Ppl's vectorised and fused families (one site observes a whole vector) with a <c>RealDist</c> counterpart, and
        /// the observed vector's type. They are observed only (<c>__dc.ObserveVector</c>): a sample of them is PPL0012.
        /// </summary>
        private static readonly Dictionary<string, string> VectorFamilies = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["IndependentNormal"] = "double[]", ["NormalIdGlm"] = "double[]", ["BernoulliLogitGlm"] = "bool[]", ["PoissonLogGlm"] = "int[]",
            ["NegBinomial2LogGlm"] = "int[]", ["Multinomial"] = "int[]",
        };

        /// <summary>
        /// Ppl's continuous families over vectors and matrices with a <c>RealDist</c> counterpart, and their value type: a
        /// sample of them is a choice with several coordinates (<c>__dc.SampleVector</c>, <c>__dc.SampleMatrix</c>: a
        /// simplex, a multivariate normal draw, an ordered vector, a correlation Cholesky factor) held in a <c>Real[]</c> or
        /// <c>Real[,]</c> local; an observation of them is one fused node (<c>__dc.ObserveVector</c>).
        /// </summary>
        private static readonly Dictionary<string, string> VectorChoiceFamilies = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Dirichlet"] = "double[]", ["MvNormal"] = "double[]", ["MvNormalCholesky"] = "double[]", ["Ordered"] = "double[]",
            ["UnitVector"] = "double[]", ["VonMisesFisher"] = "double[]",
            ["LkjCholesky"] = "double[,]", ["InverseWishart"] = "double[,]", ["Wishart"] = "double[,]",
            ["WishartCholesky"] = "double[,]", ["InverseWishartCholesky"] = "double[,]",
        };

        private static readonly HashSet<string> MathFunctions = new HashSet<string>(StringComparer.Ordinal)
        {
            "Exp", "Log", "Log10", "Log2", "Sqrt", "Cbrt", "Abs", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Tanh",
            "Floor", "Ceiling", "Round", "Truncate", "Sign", "Pow", "Atan2", "Max", "Min", "Clamp",
        };

        private readonly SemanticModel _model;
        // The body's IR (the model's, or a helper's own), whose data-flow fixed point answers which locals become Real.
        private readonly ModelIr _ir;
        private readonly IMethodSymbol _method;
        private readonly SyntaxNode _body;
        private readonly CancellationToken _ct;
        private readonly Dictionary<InvocationExpressionSyntax, Site> _sites = new Dictionary<InvocationExpressionSyntax, Site>();
        private readonly HashSet<ISymbol> _random = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        private Dictionary<SyntaxNode, bool>? _isRandom;

        private DifferentiableLowering(SemanticModel model, IMethodSymbol method, SyntaxNode body, List<Site> sites, ModelIr ir, CancellationToken ct)
        {
            _model = model;
            _ir = ir;
            _method = method;
            _body = body;
            _ct = ct;
            foreach (var s in sites) _sites[s.Node] = s;
        }

        /// <summary>
        /// The user's helper methods that the forms call with random arguments, lowered once each (shared by the
        /// top-level and the callable form of one model): a helper the generator can see (a static method of this
        /// compilation with a body) becomes a private static copy over Real beside the forms.
        /// </summary>
        private sealed class HelperSet
        {
            public readonly Dictionary<IMethodSymbol, string> Names = new Dictionary<IMethodSymbol, string>(SymbolEqualityComparer.Default);
            public readonly HashSet<IMethodSymbol> InProgress = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            public readonly StringBuilder Text = new StringBuilder();
        }

        private HelperSet _helpers = new HelperSet();

        /// <summary>Why the lowering stopped: the construct and where it is.</summary>
        private sealed class Unsupported : Exception
        {
            public Unsupported(SyntaxNode node, string what) : base(what) { Node = node; }
            public SyntaxNode Node { get; }
        }

        /// <summary>
        /// The extracted model with its differentiable form attached, or with PPL0012 saying why there is none. Only
        /// specialised models get one (the dynamic tracer's models have no generated body to lower).
        /// </summary>
        public static ModelData Attach(ModelData data, SemanticModel model, IMethodSymbol method, SyntaxNode body, List<Site> sites, ModelIr ir, CancellationToken ct)
        {
            // Older runtimes (a user on a previous Ppl) have no context type: no form, no diagnostic.
            if (data.HintName == null || model.Compilation.GetTypeByMetadataName("Ppl.Modeling.DifferentiableContext") == null) return data;
            var signature = Signature(method);
            data = data with { DifferentiableSignature = signature };
            // A model the dynamic tracer runs (PPL0008 says why) has no body to lower; its callable form only throws.
            if (!data.Specialised) return data with { DifferentiableMissing = "the model runs through the dynamic tracer (see PPL0008)" };
            // The callable form, for callers' forms: its double parameters are Real (a caller may pass random values).
            // Without one, the method throws with the reason (a caller passing only data could use the top-level form,
            // but one method per model keeps callers simple); no diagnostic: the top-level form's is the one users see.
            var helpers = new HelperSet();
            if (method.Parameters.Any(p => IsFloating(p.Type)))
            {
                try
                {
                    data = data with { DifferentiableCallBody = LowerChecked(data, model, method, body, sites, ir, signature, realParameters: true, helpers, ct) };
                }
                catch (Unsupported u)
                {
                    data = data with { DifferentiableCallMissing = u.Message };
                }
            }
            try
            {
                var text = LowerChecked(data, model, method, body, sites, ir, Signature(method, realParameters: false), realParameters: false, helpers, ct);
                data = data with { DifferentiableBody = text, DifferentiableHelpers = helpers.Text.Length > 0 ? helpers.Text.ToString() : null };
                return method.Parameters.Any(p => IsFloating(p.Type)) ? data : data with { DifferentiableCallBody = text };
            }
            catch (Unsupported u)
            {
                var diag = DiagInfo.Create("PPL0012", u.Node.GetLocation(), data.ModelName, u.Message);
                return data with
                {
                    DifferentiableMissing = u.Message,
                    DifferentiableCallMissing = data.DifferentiableCallMissing ?? u.Message,
                    DifferentiableHelpers = data.DifferentiableCallBody != null && helpers.Text.Length > 0 ? helpers.Text.ToString() : null,
                    Diagnostics = new EquatableArray<DiagInfo>(data.Diagnostics.Items.Add(diag)),
                };
            }
        }

        /// <summary>
        /// Lowers the body and compiles the result once. The lowering checks every use of a random value against what it
        /// supports; a construct it has not foreseen must cost the model its form (PPL0012), never the user's build
        /// (sub-model calls are stubbed for the check: their generated forms do not exist yet).
        /// </summary>
        private static string LowerChecked(ModelData data, SemanticModel model, IMethodSymbol method, SyntaxNode body, List<Site> sites, ModelIr ir, string signature,
            bool realParameters, HelperSet helpers, CancellationToken ct)
        {
            var lowering = new DifferentiableLowering(model, method, body, sites, ir, ct) { _realParameters = realParameters, _helpers = helpers };
            var text = lowering.Lower();
            lowering._check = true;
            var checkText = lowering.Lower();
            if (CompileError(data, model.Compilation, signature, checkText + "\n" + helpers.Text, ct) is { } error)
                throw new Unsupported(body, $"a construct the lowering does not support (the lowered code would not compile: {error})");
            return text;
        }

        /// <summary>The parameters and return type of a form: double returns become Real, double[] returns Real[], and with <paramref name="realParameters"/> double parameters Real.</summary>
        private static string Signature(IMethodSymbol method, bool realParameters = true)
        {
            var ps = method.Parameters.Select(p => (realParameters && IsFloating(p.Type) ? RealType : p.Type.ToDisplayString(ModelBuilder.TypeFormat)) + " " +
                                                   (SyntaxFacts.GetKeywordKind(p.Name) != SyntaxKind.None ? "@" + p.Name : p.Name));
            return ReturnTypeOf(method) + "|" + string.Join(", ", ps);
        }

        /// <summary>The return type of the callable form of <paramref name="method"/>.</summary>
        private static string ReturnTypeOf(IMethodSymbol method) => RealTypeOf(method.ReturnType) ?? method.ReturnType.ToDisplayString(ModelBuilder.TypeFormat);

        /// <summary>The first compiler error of the lowered body, placed in the model's own types beside the user's code, or null.</summary>
        private static string? CompileError(ModelData data, Compilation compilation, string signature, string body, CancellationToken ct)
        {
            var sb = new StringBuilder();
            foreach (var u in data.RootUsings) sb.AppendLine(u);
            if (data.Namespace != null)
            {
                sb.AppendLine("namespace " + data.Namespace);
                sb.AppendLine("{");
                foreach (var u in data.NamespaceUsings) sb.AppendLine(u);
            }
            foreach (var t in data.Types) sb.Append(t.IsStatic ? "static partial class " : "partial class ").AppendLine(t.Name).AppendLine("{");
            var bar = signature.IndexOf('|');
            var parameters = signature.Substring(bar + 1);
            sb.AppendLine("private static " + signature.Substring(0, bar) + " __PplDifferentiableCheck(global::Ppl.Modeling.DifferentiableContext __dc" + (parameters.Length > 0 ? ", " + parameters : "") + ")");
            sb.AppendLine(body);
            sb.AppendLine("private static T __PplStub<T>(params object?[] args) => default!;");
            foreach (var _ in data.Types) sb.AppendLine("}");
            if (data.Namespace != null) sb.AppendLine("}");
            var options = compilation.SyntaxTrees.FirstOrDefault()?.Options as CSharpParseOptions;
            var tree = CSharpSyntaxTree.ParseText(sb.ToString(), options, cancellationToken: ct);
            var check = compilation.AddSyntaxTrees(tree);
            var error = check.GetSemanticModel(tree).GetDiagnostics(cancellationToken: ct).FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
            return error?.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        }

        // Emit sub-model calls as stubs, for the compile check (their generated forms do not exist yet).
        private bool _check;
        // The double parameters are Real (the callable form) rather than data (the top-level form).
        private bool _realParameters;
        private bool _analysed;

        private string Lower()
        {
            _hoisted = 0;
            _loopReplacements.Clear();
            if (!_analysed) Analyse();
            _analysed = true;
            if (_body is ExpressionSyntax e) return "    {\n        return " + ReturnValue(e) + ";\n    }";
            return "    " + Emit(_body).Trim();
        }

        private void Analyse()
        {
            // The form's double parameters are Real: a caller's form passes random values in.
            if (_realParameters)
                foreach (var p in _method.Parameters)
                    if (IsFloating(p.Type)) _random.Add(p);
            Taint();
            _isRandom = new Dictionary<SyntaxNode, bool>();
            foreach (var s in _random)
                if (s is IParameterSymbol p && !(_realParameters && IsFloating(p.Type)))
                    throw new Unsupported(p.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) ?? _body, $"the parameter '{p.Name}', which is assigned a random value");
            foreach (var s in _random)
                if (s is ILocalSymbol l && RealTypeOf(l.Type) == null)
                    throw new Unsupported(l.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) ?? _body,
                        $"the local '{l.Name}' of type {l.Type.ToDisplayString()}, which holds a random value (only double locals, double[] and double[,] arrays can)");
            Validate();
        }

        /// <summary>A returned value as the callable form returns it (data arrays lifted to Real[]).</summary>
        private string ReturnValue(ExpressionSyntax e)
        {
            var code = EmitTrimmed(e);
            if (RealTypeOf(_method.ReturnType) is { } rt && rt.EndsWith("[]", StringComparison.Ordinal) && !IsRandom(e))
                return "global::Ppl.Modeling.DifferentiableContext.Lift(" + code + ")";
            return code;
        }

        // ------------------------------------------------------------------ taint analysis (data flow only)

        /// <summary>
        /// Marks every local whose value is Real in the lowered code: the IR's answer for the sources the form
        /// differentiates (continuous choices, vector choices, sub-model results that are real, <c>Deterministic</c>
        /// values; in the callable form the floating parameters) over <see cref="FlowPath.Value"/> paths, i.e. data flow
        /// through arithmetic, Math functions, helpers returning doubles and array elements, and <see cref="FlowPath.Storage"/>
        /// steps (an assignment used as a value is a Real when its target is). Branches on
        /// random values are not followed: the form is evaluated at one point, so a local assigned under one stays a double.
        /// </summary>
        private void Taint()
        {
            if (!_ir.Complete) throw new Unsupported(_body, "a body the generator could not analyse");
            _random.UnionWith(_ir.VariablesReaching(IsRealSource, FlowPath.Storage));
        }

        /// <summary>True for a source whose value is a Real in the lowered code.</summary>
        private bool IsRealSource(IrSource s)
        {
            switch (s.Kind)
            {
                case IrSourceKind.Site:
                {
                    var site = s.Site!.Site;
                    if (site.Kind == SiteKind.ModelCall) return _model.GetSymbolInfo(site.Node, _ct).Symbol is IMethodSymbol callee && RealTypeOf(callee.ReturnType) != null;
                    return site.Kind == SiteKind.Sample && (IsContinuousDouble(site) || VectorChoiceFamily(site) != null) || site.Kind == SiteKind.Call;
                }
                case IrSourceKind.Parameter:
                    return _realParameters && IsFloating(s.Parameter!.Type);
                default:
                    return s.Deterministic!.TargetMethod.TypeArguments.Length == 1 && IsFloating(s.Deterministic.TargetMethod.TypeArguments[0]);
            }
        }

        /// <summary>The local or parameter an assignment writes (the array for an element), or null for anything else.</summary>
        private ISymbol? Target(ExpressionSyntax left) => LoweringSyntax.AssignedSymbol(_model, left, _ct);

        /// <summary>True when the expression's value is a <c>Real</c> (or <c>Real[]</c>) in the lowered code.</summary>
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
                case InvocationExpressionSyntax inv when _sites.TryGetValue(inv, out var site):
                    if (site.Kind == SiteKind.ModelCall) return _model.GetSymbolInfo(inv, _ct).Symbol is IMethodSymbol callee && RealTypeOf(callee.ReturnType) != null;
                    return site.Kind == SiteKind.Sample && (IsContinuousDouble(site) || VectorChoiceFamily(site) != null) || site.Kind == SiteKind.Call;
                case InvocationExpressionSyntax inv:
                    {
                        if (IsDeterministic(inv)) return true;
                        if (!inv.ArgumentList.Arguments.Any(a => IsRandom(a.Expression))) return false;
                        // Math.Sign returns an int (RealMath.Sign too): not a Real.
                        if (MathCall(inv) != null) return IsFloating(_model.GetTypeInfo(inv, _ct).Type);
                        // A helper called with a random argument returns Real when it returns a double (its Real overload, or its lowered copy).
                        return _model.GetSymbolInfo(inv, _ct).Symbol is IMethodSymbol h && (RealOverload(h) is { } o ? IsRealValued(o.ReturnType) : RealTypeOf(h.ReturnType) != null);
                    }
                case IdentifierNameSyntax id:
                    return _model.GetSymbolInfo(id, _ct).Symbol is { } s && _random.Contains(s);
                case MemberAccessExpressionSyntax _:
                    // Only the length of an array is read through a member of a random value (checked in Validate); it is not random.
                    return false;
                case BinaryExpressionSyntax b:
                    return IsArithmetic(b) && (IsRandom(b.Left) || IsRandom(b.Right));
                case CastExpressionSyntax c:
                    return IsRandom(c.Expression) && IsFloating(_model.GetTypeInfo(c.Type, _ct).Type);
                case ConditionalExpressionSyntax ce:
                    return IsRandom(ce.WhenTrue) || IsRandom(ce.WhenFalse);
                case ElementAccessExpressionSyntax ea:
                    return IsRandom(ea.Expression);
                case AssignmentExpressionSyntax a:
                    return Target(a.Left) is { } t && _random.Contains(t);
                case ParenthesizedExpressionSyntax p:
                    return IsRandom(p.Expression);
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.UnaryMinusExpression) || u.IsKind(SyntaxKind.UnaryPlusExpression):
                    return IsRandom(u.Operand);
                case ArrayCreationExpressionSyntax ac:
                    return ac.Initializer != null && ac.Initializer.Expressions.Any(IsRandom);
                case ImplicitArrayCreationExpressionSyntax iac:
                    return iac.Initializer.Expressions.Any(IsRandom);
                case InitializerExpressionSyntax init:
                    return init.Expressions.Any(IsRandom);
                case CollectionExpressionSyntax coll:
                    return coll.Elements.OfType<ExpressionElementSyntax>().Any(x => IsRandom(x.Expression));
                default:
                    return false;
            }
        }

        /// <summary>True for Real, Real[] and Real[,]: the return types of a Real overload whose value is random (a local of the double counterpart holds it).</summary>
        private static bool IsRealValued(ITypeSymbol t)
        {
            var text = t.ToDisplayString(ModelBuilder.TypeFormat);
            return text == RealType || text == RealType + "[]" || text == RealType + "[,]";
        }

        private static bool IsArithmetic(BinaryExpressionSyntax b) =>
            b.IsKind(SyntaxKind.AddExpression) || b.IsKind(SyntaxKind.SubtractExpression) || b.IsKind(SyntaxKind.MultiplyExpression) || b.IsKind(SyntaxKind.DivideExpression);

        private static bool IsFloating(ITypeSymbol? t) => t?.SpecialType == SpecialType.System_Double || t?.SpecialType == SpecialType.System_Single;

        private static bool IsContinuousDouble(Site s) => !s.Discrete && s.ValueType == "double";

        /// <summary>The System.Math function an invocation calls, or null.</summary>
        private string? MathCall(InvocationExpressionSyntax inv) =>
            _model.GetSymbolInfo(inv, _ct).Symbol is IMethodSymbol m && m.ContainingType?.ToDisplayString() == "System.Math" && MathFunctions.Contains(m.Name) ? m.Name : null;

        /// <summary>The type a random local of type <paramref name="t"/> becomes, or null when it cannot hold a random value.</summary>
        private static string? RealTypeOf(ITypeSymbol? t)
        {
            if (IsFloating(t)) return RealType;
            if (t is IArrayTypeSymbol a && a.Rank == 1 && IsFloating(a.ElementType)) return RealType + "[]";
            if (t is IArrayTypeSymbol m && m.Rank == 2 && IsFloating(m.ElementType)) return RealType + "[,]";
            return null;
        }

        // ------------------------------------------------------------------ validation: every use of a random value is one the form supports

        private void Validate()
        {
            foreach (var node in _body.DescendantNodesAndSelf())
            {
                _ct.ThrowIfCancellationRequested();
                switch (node)
                {
                    case AnonymousFunctionExpressionSyntax _:
                    case LocalFunctionStatementSyntax _:
                    case QueryExpressionSyntax _:
                        if (node.DescendantNodes().Any(n => n is ExpressionSyntax x && IsRandom(x)) || node.DescendantNodes().OfType<IdentifierNameSyntax>().Any(IsRandom))
                            throw new Unsupported(node, $"a {Describe(node)} that uses a random value");
                        break;
                    case InvocationExpressionSyntax inv when _sites.TryGetValue(inv, out var site):
                        CheckSite(inv, site);
                        if (IsRandom(inv)) CheckUse(inv);
                        break;
                    case DeclarationExpressionSyntax d when d.Designation is SingleVariableDesignationSyntax sv && _model.GetDeclaredSymbol(sv, _ct) is { } dl && _random.Contains(dl):
                        throw new Unsupported(d, $"the out or pattern variable '{sv.Identifier.Text}', which holds a random value");
                    case VariableDeclaratorSyntax v when v.Initializer != null && _model.GetDeclaredSymbol(v, _ct) is ILocalSymbol rl && _random.Contains(rl) &&
                                                         rl.Type is IArrayTypeSymbol && !IsRandom(v.Initializer.Value) && !IsArrayCreation(v.Initializer.Value):
                        throw new Unsupported(v, $"the array '{rl.Name}' of random values, initialised from '{Short(v.Initializer.Value)}' (create it with new double[n] or an initializer)");
                    case AssignmentExpressionSyntax a when Target(a.Left) is ILocalSymbol al && _random.Contains(al) && al.Type is IArrayTypeSymbol &&
                                                         !(a.Left is ElementAccessExpressionSyntax) && !IsRandom(a.Right) && !IsArrayCreation(a.Right):
                        throw new Unsupported(a, $"the array '{al.Name}' of random values, assigned '{Short(a.Right)}' (create it with new double[n] or an initializer)");
                    case VariableDeclarationSyntax vd:
                        {
                            var tainted = vd.Variables.Select(v => _model.GetDeclaredSymbol(v, _ct)).Select(s => s != null && _random.Contains(s)).ToList();
                            if (tainted.Any(x => x) && tainted.Any(x => !x))
                                throw new Unsupported(vd, "one declaration of locals of which some hold random values and some do not (declare them separately)");
                            if (tainted.Any(x => x) && vd.Parent is LocalDeclarationStatementSyntax ld && (ld.IsConst || ld.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)))
                                throw new Unsupported(vd, "a const or using declaration of a random value");
                            if (tainted.Any(x => x) && vd.Type is RefTypeSyntax) throw new Unsupported(vd, "a ref local holding a random value");
                            break;
                        }
                    case ExpressionSyntax e when IsRandom(e):
                        CheckUse(e);
                        break;
                }
            }
        }

        /// <summary>A random value's use must be one the lowered code compiles and differentiates.</summary>
        private void CheckUse(ExpressionSyntax e)
        {
            var parent = e.Parent;
            switch (parent)
            {
                case ParenthesizedExpressionSyntax _:
                case BinaryExpressionSyntax b when IsArithmetic(b) || IsComparison(b):
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.UnaryMinusExpression) || u.IsKind(SyntaxKind.UnaryPlusExpression):
                case ConditionalExpressionSyntax ce when e != ce.Condition:
                case CastExpressionSyntax _:
                case InterpolationSyntax _:
                case ExpressionStatementSyntax _:
                case EqualsValueClauseSyntax eq when eq.Parent is VariableDeclaratorSyntax:
                case ForEachStatementSyntax fe when fe.Expression == e:
                case InitializerExpressionSyntax _:
                case ExpressionElementSyntax _:
                    return;
                // The initializer of an array of random values (new[] { a, b }): the creation becomes a Real[] (checked as a use itself).
                case ArrayCreationExpressionSyntax ac when ac.Initializer == e:
                case ImplicitArrayCreationExpressionSyntax iac when iac.Initializer == e:
                    return;
                case ReturnStatementSyntax _:
                case ArrowExpressionClauseSyntax _:
                    if (RealTypeOf(_method.ReturnType) != null) return;
                    throw new Unsupported(parent, $"returning a random value as {_method.ReturnType.ToDisplayString()} (the differentiable form returns double and double[] values as Real)");
                case ElementAccessExpressionSyntax ea when ea.Expression == e:
                    return;
                case MemberAccessExpressionSyntax ma when ma.Expression == e && (ma.Name.Identifier.ValueText == "Length" || ma.Name.Identifier.ValueText == "GetLength") &&
                                                          _model.GetTypeInfo(e, _ct).Type is IArrayTypeSymbol:
                    return;
                case AssignmentExpressionSyntax a:
                    {
                        if (a.Left == e) return; // the target is a random local or element (tainted)
                        var target = Target(a.Left);
                        if (target != null && _random.Contains(target) && (a.IsKind(SyntaxKind.SimpleAssignmentExpression) || a.IsKind(SyntaxKind.AddAssignmentExpression) ||
                            a.IsKind(SyntaxKind.SubtractAssignmentExpression) || a.IsKind(SyntaxKind.MultiplyAssignmentExpression) || a.IsKind(SyntaxKind.DivideAssignmentExpression))) return;
                        if (a.Left is IdentifierNameSyntax discard && discard.Identifier.ValueText == "_" && _model.GetSymbolInfo(discard, _ct).Symbol is IDiscardSymbol) return;
                        throw new Unsupported(a, $"storing a random value in '{Short(a.Left)}' (only locals and local arrays of doubles can hold random values in the differentiable form)");
                    }
                case ArgumentSyntax arg when arg.Parent?.Parent is InvocationExpressionSyntax call:
                    {
                        if (!arg.RefKindKeyword.IsKind(SyntaxKind.None)) throw new Unsupported(arg, $"a random value passed by ref or out ('{Short(arg)}')");
                        if (_sites.TryGetValue(call, out var site))
                        {
                            if (site.Kind == SiteKind.Observe || site.Kind == SiteKind.Factor) return;
                            if (site.Kind == SiteKind.Call) return; // reported by CheckSite
                            if (site.Kind == SiteKind.ModelCall)
                            {
                                var callee = _model.GetSymbolInfo(call, _ct).Symbol as IMethodSymbol;
                                var ordinal = call.ArgumentList.Arguments.IndexOf(arg);
                                if (callee != null && ordinal >= 0 && ordinal < callee.Parameters.Length && IsFloating(callee.Parameters[ordinal].Type)) return;
                                throw new Unsupported(arg, $"the random value '{Short(e)}' passed to the model '{site.DistName}' as a {callee?.Parameters.ElementAtOrDefault(ordinal)?.Type.ToDisplayString() ?? "?"} (a sub-model's form takes random values as double parameters)");
                            }
                            throw new Unsupported(arg, $"the random value '{Short(e)}' in the address of a site");
                        }
                        if (MathCall(call) != null) return;
                        if (IsDistributionAtSite(call)) return;
                        if (IsDeterministic(call))
                        {
                            if (DeterministicValue(call) == arg) return;
                            throw new Unsupported(arg, $"the random value '{Short(e)}' in the address of Deterministic");
                        }
                        var helper = _model.GetSymbolInfo(call, _ct).Symbol as IMethodSymbol;
                        if (helper != null && RealOverload(helper) != null) return;
                        var name = helper?.Name ?? call.Expression.ToString();
                        if (helper != null && HelperProblem(helper) is null)
                        {
                            var ordinal = call.ArgumentList.Arguments.IndexOf(arg);
                            var parameter = arg.NameColon != null ? helper.Parameters.FirstOrDefault(q => q.Name == arg.NameColon.Name.Identifier.ValueText) : helper.Parameters.ElementAtOrDefault(ordinal);
                            if (parameter != null && IsFloating(parameter.Type)) return;
                            throw new Unsupported(arg, $"the random value '{Short(e)}' passed to '{name}' as a {parameter?.Type.ToDisplayString() ?? "?"} (a helper's copy over Real takes random values as double parameters)");
                        }
                        var why = helper != null ? HelperProblem(helper) : "it is not a method";
                        throw new Unsupported(call, $"a call to '{name}' with a random argument ({why}; give it an overload over Ppl.Autodiff.Real, or write its arithmetic in the model)");
                    }
                case ArgumentSyntax arg when arg.Parent is TupleExpressionSyntax t:
                    throw new Unsupported(t, $"a tuple holding a random value ('{Short(t)}')");
                case ArgumentSyntax arg when arg.Parent?.Parent is BaseObjectCreationExpressionSyntax oc:
                    if (oc.Parent is ArgumentSyntax oca && oca.Parent?.Parent is InvocationExpressionSyntax siteCall && _sites.ContainsKey(siteCall)) return;
                    throw new Unsupported(oc, $"creating '{Short(oc)}' from a random value");
                default:
                    throw new Unsupported(parent ?? e, $"a {Describe(parent ?? e)} on a random value ('{Short(parent ?? e)}')");
            }
        }

        /// <summary>True for <c>Effects.Deterministic(value, address…)</c> of a double value: the form records it for reports.</summary>
        private bool IsDeterministic(InvocationExpressionSyntax inv) =>
            _model.GetSymbolInfo(inv, _ct).Symbol is IMethodSymbol m && m.Name == "Deterministic" && m.ContainingType?.ToDisplayString() == "Ppl.Modeling.Effects" &&
            m.TypeArguments.Length == 1 && IsFloating(m.TypeArguments[0]);

        /// <summary>The argument of a Deterministic call that holds the value (the others are the address).</summary>
        private ArgumentSyntax? DeterministicValue(InvocationExpressionSyntax inv) =>
            inv.ArgumentList.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == "value") ??
            inv.ArgumentList.Arguments.FirstOrDefault(a => a.NameColon == null);

        /// <summary><c>__dc.Deterministic(address, value)</c> for a Deterministic call (the address as SiteAddress).</summary>
        private string DeterministicCode(InvocationExpressionSyntax inv)
        {
            var m = (IMethodSymbol)_model.GetSymbolInfo(inv, _ct).Symbol!;
            var args = new ExpressionSyntax?[m.Parameters.Length];
            var position = 0;
            foreach (var a in inv.ArgumentList.Arguments)
            {
                var ordinal = a.NameColon != null ? m.Parameters.FirstOrDefault(p => p.Name == a.NameColon.Name.Identifier.ValueText)?.Ordinal ?? -1 : position++;
                if (ordinal < 0) throw new Unsupported(a, $"the argument '{Short(a)}' of Deterministic");
                args[ordinal] = a.Expression;
            }
            var value = EmitTrimmed(args[0] ?? throw new Unsupported(inv, "a Deterministic without a value"));
            var address = args.Length == 2
                ? "new " + Site + "((global::Ppl.Address)(" + args[1] + "))"
                : "new " + Site + "((global::Ppl.AddressSegment)(" + args[1] + "), (global::Ppl.AddressSegment)(" + args[2] + "))";
            return "__dc.Deterministic(" + address + ", " + value + ")";
        }

        /// <summary>
        /// An overload of <paramref name="m"/> taking Real where it takes double, Real[] where it takes double[] and Real[,] where
        /// it takes double[,] (the user's own differentiable version, or a library's: <c>OdeSolver.Rk45States</c>), the other
        /// parameters the same, or null.
        /// </summary>
        private static IMethodSymbol? RealOverload(IMethodSymbol m)
        {
            if (m.ContainingType == null) return null;
            foreach (var o in m.ContainingType.GetMembers(m.Name).OfType<IMethodSymbol>())
            {
                if (SymbolEqualityComparer.Default.Equals(o, m) || o.Parameters.Length != m.Parameters.Length || o.IsStatic != m.IsStatic) continue;
                var real = false;
                var fits = true;
                for (var i = 0; i < o.Parameters.Length && fits; i++)
                {
                    var ot = o.Parameters[i].Type;
                    var mt = m.Parameters[i].Type;
                    if (RealTypeOf(mt) is { } lifted && ot.ToDisplayString(ModelBuilder.TypeFormat) == lifted) real = true;
                    else fits = SymbolEqualityComparer.Default.Equals(ot, mt);
                }
                if (fits && real) return o;
            }
            return null;
        }

        /// <summary>Why the generator cannot lower the helper <paramref name="m"/> over Real, or null when it can.</summary>
        private string? HelperProblem(IMethodSymbol m)
        {
            if (m.ContainingType?.ToDisplayString() == "System.Math") return "this Math function has no Real counterpart";
            if (!SymbolEqualityComparer.Default.Equals(m.ContainingAssembly, _model.Compilation.Assembly)) return "it is defined in another assembly, so the generator cannot see its code";
            if (!m.IsStatic || m.MethodKind != MethodKind.Ordinary || m.IsGenericMethod) return "only static, non-generic helper methods are lowered";
            if (m.Parameters.Any(p => p.RefKind != RefKind.None || p.IsParams)) return "it has ref, out or params parameters";
            if (!(m.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) is MethodDeclarationSyntax decl) || (decl.Body == null && decl.ExpressionBody == null))
                return "the generator cannot see its body";
            if (m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Ppl.Modeling.ModelAttribute")) return "it is a model";
            return null;
        }

        /// <summary>The name of the lowered copy of helper <paramref name="m"/>, lowering it on first use.</summary>
        private string LowerHelper(IMethodSymbol m, SyntaxNode at)
        {
            if (_helpers.Names.TryGetValue(m, out var name)) return name;
            if (!_helpers.InProgress.Add(m)) throw new Unsupported(at, $"the recursive helper '{m.Name}'");
            var decl = (MethodDeclarationSyntax)m.DeclaringSyntaxReferences[0].GetSyntax(_ct);
            var model = _model.Compilation.GetSemanticModel(decl.SyntaxTree);
            var body = (SyntaxNode?)decl.Body ?? decl.ExpressionBody!.Expression;
            // A helper is a body of its own: its IR is built here, once per lowered helper.
            var ir = ModelIr.Build(model, m, decl, new List<Site>(), _ct);
            var lowering = new DifferentiableLowering(model, m, body, new List<Site>(), ir, _ct) { _realParameters = true, _helpers = _helpers, _inHelper = true };
            string text;
            try
            {
                text = lowering.Lower();
            }
            catch (Unsupported u)
            {
                throw new Unsupported(at, $"the helper '{m.Name}', which has {u.Message}");
            }
            name = "__PplReal_" + m.Name + "_" + _helpers.Names.Count;
            var parameters = string.Join(", ", m.Parameters.Select(p => (IsFloating(p.Type) ? RealType : p.Type.ToDisplayString(ModelBuilder.TypeFormat)) + " " +
                                                                     (SyntaxFacts.GetKeywordKind(p.Name) != SyntaxKind.None ? "@" + p.Name : p.Name)));
            _helpers.Text.AppendLine($"    /// <summary>The helper <c>{m.Name}</c> over Real, for the differentiable forms (generated).</summary>");
            _helpers.Text.AppendLine($"    private static {ReturnTypeOf(m)} {name}({parameters})");
            _helpers.Text.AppendLine(text);
            _helpers.Text.AppendLine("#pragma warning disable");
            _helpers.InProgress.Remove(m);
            _helpers.Names[m] = name;
            return name;
        }

        private static bool IsComparison(BinaryExpressionSyntax b) =>
            b.IsKind(SyntaxKind.LessThanExpression) || b.IsKind(SyntaxKind.LessThanOrEqualExpression) || b.IsKind(SyntaxKind.GreaterThanExpression) ||
            b.IsKind(SyntaxKind.GreaterThanOrEqualExpression) || b.IsKind(SyntaxKind.EqualsExpression) || b.IsKind(SyntaxKind.NotEqualsExpression);

        /// <summary>True for <c>Normal(…)</c> (or <c>new Normal(…)</c>) written as the distribution argument of a site.</summary>
        private bool IsDistributionAtSite(ExpressionSyntax call)
        {
            var e = (SyntaxNode)call;
            while (e.Parent is ParenthesizedExpressionSyntax) e = e.Parent;
            return e.Parent is ArgumentSyntax a && a.Parent?.Parent is InvocationExpressionSyntax site && _sites.TryGetValue(site, out var s) &&
                   (s.Kind == SiteKind.Sample || s.Kind == SiteKind.Observe) && s.Args.Length > 0 && s.Args[0] != null && Unparen(s.Args[0]!) == call;
        }

        private static bool IsArrayCreation(ExpressionSyntax e) =>
            Unparen(e) is ArrayCreationExpressionSyntax || Unparen(e) is ImplicitArrayCreationExpressionSyntax || Unparen(e) is CollectionExpressionSyntax;

        private void CheckSite(InvocationExpressionSyntax inv, Site s)
        {
            switch (s.Kind)
            {
                case SiteKind.Sample:
                case SiteKind.Observe:
                    if (VectorChoiceFamily(s) is { } vectorChoice)
                    {
                        if (s.Kind == SiteKind.Observe && s.Args.Length > 1 && s.Args[1] is { } observedChoice &&
                            observedChoice.DescendantNodesAndSelf().Any(n => n is ExpressionSyntax x && IsRandom(x)))
                            throw new Unsupported(observedChoice, $"an observed {vectorChoice} value that depends on a random value ('{Short(observedChoice)}')");
                    }
                    else if (VectorFamily(s) is { } vector)
                    {
                        if (s.Kind == SiteKind.Sample)
                            throw new Unsupported(inv, $"a {vector} choice (the vectorised and fused families are observed, not sampled, in the differentiable form: draw the entries one by one, or sample a vector choice with MvNormal, Dirichlet or Ordered)");
                        if (s.Args.Length > 1 && s.Args[1] is { } observed && observed.DescendantNodesAndSelf().Any(n => n is ExpressionSyntax x && IsRandom(x)))
                            throw new Unsupported(observed, $"an observed vector that depends on a random value ('{Short(observed)}')");
                    }
                    else if (!(s.ValueType == "double" || s.ValueType == "int" || s.ValueType == "bool"))
                        throw new Unsupported(inv, $"a choice of type {s.ValueType.Replace("global::", "")} (the differentiable form has scalar double, int and bool choices)");
                    Family(inv, s);
                    for (var i = s.AddressStart; i >= 0 && i < s.AddressStart + s.AddressCount; i++)
                        if (s.Args[i] is { } a && a.DescendantNodesAndSelf().Any(n => n is ExpressionSyntax x && IsRandom(x)))
                            throw new Unsupported(a, $"an address that depends on a random value ('{Short(a)}')");
                    return;
                case SiteKind.Factor:
                    return;
                case SiteKind.ModelCall:
                    {
                        var callee = _model.GetSymbolInfo(inv, _ct).Symbol as IMethodSymbol;
                        if (callee == null || !SymbolEqualityComparer.Default.Equals(callee.ContainingAssembly, _model.Compilation.Assembly))
                            throw new Unsupported(inv, $"a call to the model '{s.DistName}' of another assembly (its differentiable form is internal to it)");
                        if (inv.ArgumentList.Arguments.Any(a => a.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any(_sites.ContainsKey)))
                            throw new Unsupported(inv, $"an effect inside the arguments of the call to the model '{s.DistName}' (draw it into a local first)");
                        return;
                    }
                case SiteKind.Call:
                    throw new Unsupported(inv, "a Call of a generative function (only [Model] bodies have a differentiable form)");
                default:
                    throw new Unsupported(inv, $"a {s.Kind} effect");
            }
        }

        /// <summary>The vectorised or fused family written at a site, or null for any other distribution.</summary>
        private string? VectorFamily(Site s)
        {
            var family = LoweringSyntax.DistributionAtSite(_model, s.Args.Length > 0 ? s.Args[0] : null, _ct)?.Family;
            return family != null && VectorFamilies.ContainsKey(family) ? family : null;
        }

        /// <summary>The vector- or matrix-valued continuous family written at a site (Dirichlet, MvNormal, …), or null for any other distribution.</summary>
        private string? VectorChoiceFamily(Site s)
        {
            var family = LoweringSyntax.DistributionAtSite(_model, s.Args.Length > 0 ? s.Args[0] : null, _ct)?.Family;
            return family != null && VectorChoiceFamilies.ContainsKey(family) ? family : null;
        }

        /// <summary>The family of the distribution written at a site, checked to have a <c>RealDist</c> counterpart.</summary>
        private string Family(InvocationExpressionSyntax site, Site s)
        {
            var dist = s.Args.Length > 0 ? s.Args[0] : null;
            var family = LoweringSyntax.DistributionAtSite(_model, dist, _ct)?.Family;
            if (family != null && VectorFamilies.TryGetValue(family, out var vectorType))
            {
                if (s.ValueType != vectorType) throw new Unsupported(site, $"a {family} observation of type {s.ValueType}");
                return family;
            }
            if (family != null && VectorChoiceFamilies.TryGetValue(family, out var choiceType))
            {
                if (s.ValueType != choiceType) throw new Unsupported(site, $"a {family} choice of type {s.ValueType}");
                return family;
            }
            if (family == null || !Families.TryGetValue(family, out var discrete))
                throw new Unsupported(dist ?? (SyntaxNode)site,
                    $"the distribution '{Short(dist ?? (SyntaxNode)site)}' (differentiable forms exist for {string.Join(", ", Families.Keys.Concat(VectorChoiceFamilies.Keys).Concat(VectorFamilies.Keys))}, written at the site)");
            if (discrete != (s.ValueType != "double"))
                throw new Unsupported(site, $"a {family} choice of type {s.ValueType}");
            return family;
        }

        // ------------------------------------------------------------------ emission: the user's text, with the lowered nodes replaced

        private string Emit(SyntaxNode n)
        {
            var replaced = Replace(n);
            if (replaced != null) return replaced;
            var sb = new StringBuilder();
            foreach (var c in n.ChildNodesAndTokens())
                sb.Append(c.IsToken ? c.AsToken().ToFullString() : Emit(c.AsNode()!));
            return sb.ToString();
        }

        private string EmitTrimmed(SyntaxNode n) => Emit(n).Trim();

        /// <summary>The lowered text of a node that changes, or null to copy it (with its children lowered).</summary>
        private string? Replace(SyntaxNode n)
        {
            switch (n)
            {
                case StatementSyntax st when _loopReplacements.TryGetValue(st, out var statementText):
                    return Lead(n) + statementText + Trail(n);
                case BinaryExpressionSyntax gathered when _loopReplacements.TryGetValue(gathered, out var gatherText):
                    return Lead(n) + gatherText + Trail(n);
                case ForStatementSyntax loop when LoopForm(loop) is { } loopText:
                    return loopText;
                case InvocationExpressionSyntax inv when _sites.TryGetValue(inv, out var site):
                    return Lead(n) + SiteCode(inv, site) + Trail(n);
                case InvocationExpressionSyntax inv when IsDeterministic(inv):
                    return Lead(n) + DeterministicCode(inv) + Trail(n);
                case InvocationExpressionSyntax inv when MathCall(inv) is { } f && inv.ArgumentList.Arguments.Any(a => IsRandom(a.Expression)):
                    return Lead(n) + "global::Ppl.Autodiff.RealMath." + f + EmitTrimmed(inv.ArgumentList) + Trail(n);
                case InvocationExpressionSyntax inv when inv.ArgumentList.Arguments.Any(a => IsRandom(a.Expression)) && MathCall(inv) == null &&
                                                         _model.GetSymbolInfo(inv, _ct).Symbol is IMethodSymbol ho && RealOverload(ho) is { } overload:
                    return Lead(n) + EmitTrimmed(inv.Expression) + OverloadArguments(inv, ho, overload) + Trail(n);
                case InvocationExpressionSyntax inv when inv.ArgumentList.Arguments.Any(a => IsRandom(a.Expression)) &&
                                                         _model.GetSymbolInfo(inv, _ct).Symbol is IMethodSymbol h && RealOverload(h) == null && MathCall(inv) == null:
                    return Lead(n) + LowerHelper(h, inv) + EmitTrimmed(inv.ArgumentList) + Trail(n);
                case BinaryExpressionSyntax add when FusedMultiplyAdd(add) is { } fused:
                    return Lead(n) + fused + Trail(n);
                case AssignmentExpressionSyntax compound when FusedCompoundAdd(compound) is { } fusedCompound:
                    return Lead(n) + fusedCompound + Trail(n);
                case CastExpressionSyntax c when IsRandom(c.Expression):
                    {
                        var to = _model.GetTypeInfo(c.Type, _ct).Type;
                        if (IsFloating(to)) return Lead(n) + "(" + EmitTrimmed(c.Expression) + ")" + Trail(n);
                        return Lead(n) + "(" + c.Type + ")(double)(" + EmitTrimmed(c.Expression) + ")" + Trail(n);
                    }
                case VariableDeclarationSyntax vd when vd.Variables.Any(v => _model.GetDeclaredSymbol(v, _ct) is { } s && _random.Contains(s)):
                    {
                        var local = (ILocalSymbol)_model.GetDeclaredSymbol(vd.Variables[0], _ct)!;
                        return Lead(vd.Type) + RealTypeOf(local.Type) + " " + string.Join(", ", vd.Variables.Select(EmitTrimmed)) + Trail(n);
                    }
                case ForEachStatementSyntax fe when _model.GetDeclaredSymbol(fe, _ct) is { } iv && _random.Contains(iv) && !fe.Type.IsVar:
                    {
                        var sb = new StringBuilder();
                        foreach (var c in fe.ChildNodesAndTokens())
                            sb.Append(c.IsToken ? c.AsToken().ToFullString() : c.AsNode() == fe.Type ? Lead(fe.Type) + RealType + Trail(fe.Type) : Emit(c.AsNode()!));
                        return sb.ToString();
                    }
                case ArrayCreationExpressionSyntax pooled when FillsRandomArray(pooled) && PooledArray(pooled) is { } pooledText:
                    return Lead(n) + pooledText + Trail(n);
                case ArrayCreationExpressionSyntax ac when FillsRandomArray(ac):
                    return Lead(n) + "new " + RealType + string.Concat(ac.Type.RankSpecifiers.Select(EmitTrimmed)) +
                           (ac.Initializer != null ? " " + EmitTrimmed(ac.Initializer) : "") + Trail(n);
                case ImplicitArrayCreationExpressionSyntax iac when FillsRandomArray(iac):
                    return Lead(n) + "new " + RealType + "[] " + EmitTrimmed(iac.Initializer) + Trail(n);
                case ReturnStatementSyntax r when r.Expression != null && !r.Ancestors().TakeWhile(a => a != _body).Any(a => a is AnonymousFunctionExpressionSyntax || a is LocalFunctionStatementSyntax):
                    return Lead(n) + "return " + ReturnValue(r.Expression) + ";" + Trail(n);
                default:
                    return null;
            }
        }

        /// <summary>
        /// a + b·c (or b·c + a) over doubles with a random operand, as one three-parent tape node
        /// (<c>RealMath.AddMul</c>, <c>RealMath.MulAdd</c>) instead of a product node and a sum node: a loop's
        /// <c>mu + tau * z[g[i]]</c> then records half the nodes. The operands keep their order of evaluation, and the
        /// value is the same double arithmetic (product rounded, then sum); null when the expression is not of that form.
        /// </summary>
        private string? FusedMultiplyAdd(BinaryExpressionSyntax add)
        {
            if (!add.IsKind(SyntaxKind.AddExpression) || !IsDouble(add)) return null;
            if (add.Right is BinaryExpressionSyntax right && right.IsKind(SyntaxKind.MultiplyExpression) && IsDouble(right) &&
                (IsRandom(add.Left) || IsRandom(right.Left) || IsRandom(right.Right)))
                return FusedCall("AddMul", add.Left, right.Left, right.Right);
            if (add.Left is BinaryExpressionSyntax left && left.IsKind(SyntaxKind.MultiplyExpression) && IsDouble(left) &&
                (IsRandom(left.Left) || IsRandom(left.Right) || IsRandom(add.Right)))
                return FusedCall("MulAdd", left.Left, left.Right, add.Right);
            return null;
        }

        /// <summary>
        /// <c>RealMath.{function}(a, b, c)</c>, or its shared form where an operand gathers a random array (<see cref="Shared"/>),
        /// with the operands lowered in their order of evaluation.
        /// </summary>
        private string FusedCall(string function, ExpressionSyntax a, ExpressionSyntax b, ExpressionSyntax c) =>
            "global::Ppl.Autodiff.RealMath." + function + Shared(a, b, c) + "(" + EmitTrimmed(a) + ", " + EmitTrimmed(b) + ", " + EmitTrimmed(c) + ")";

        /// <summary>
        /// <c>acc += b * c</c> on a random local (an accumulator: a linear predictor summed term by term over a row) as
        /// <c>acc = RealMath.AddMul(acc, b, c)</c>: one three-parent node per term instead of a product node and a sum node.
        /// The compound assignment reads the local, then evaluates the product, then adds, as the call does, so the value
        /// is the same double arithmetic; only a plain local qualifies (an element access would evaluate its index twice).
        /// </summary>
        private string? FusedCompoundAdd(AssignmentExpressionSyntax a)
        {
            if (!a.IsKind(SyntaxKind.AddAssignmentExpression) || LoweringSyntax.Unparen(a.Left) is not IdentifierNameSyntax || !IsDouble(a.Left) || !IsRandom(a.Left))
                return null;
            if (LoweringSyntax.Unparen(a.Right) is not BinaryExpressionSyntax m || !m.IsKind(SyntaxKind.MultiplyExpression) || !IsDouble(m)) return null;
            return EmitTrimmed(a.Left) + " = " + FusedCall("AddMul", a.Left, m.Left, m.Right);
        }

        /// <summary>
        /// "Shared" when an operand reads a random array at an index other than an enclosing <c>for</c> loop's own variable
        /// (<c>z[group[i]]</c>, <c>z[g]</c> with <c>g</c> read from data): then rows that name the same entry compute the same
        /// node, which the shared form records once (<c>RealMath.AddMulShared</c>). A loop's own index names a new entry per
        /// iteration, where a lookup would only cost time.
        /// </summary>
        private string Shared(params ExpressionSyntax[] operands)
        {
            foreach (var o in operands)
            {
                if (LoweringSyntax.Unparen(o) is not ElementAccessExpressionSyntax ea || !IsRandom(ea.Expression) || ea.ArgumentList.Arguments.Count != 1) continue;
                var index = LoweringSyntax.Unparen(ea.ArgumentList.Arguments[0].Expression);
                if (index is IdentifierNameSyntax id && IsForLoopVariable(id, ea)) continue;
                return "Shared";
            }
            return "";
        }

        /// <summary>True when <paramref name="id"/> names the iteration variable of a <c>for</c> statement enclosing <paramref name="at"/>.</summary>
        private bool IsForLoopVariable(IdentifierNameSyntax id, SyntaxNode at)
        {
            if (_model.GetSymbolInfo(id, _ct).Symbol is not ILocalSymbol local) return false;
            for (var n = at.Parent; n != null; n = n.Parent)
                if (n is ForStatementSyntax f && f.Declaration is { } d && d.Variables.Any(v => SymbolEqualityComparer.Default.Equals(_model.GetDeclaredSymbol(v, _ct), local)))
                    return true;
            return false;
        }

        private bool IsDouble(ExpressionSyntax e) => _model.GetTypeInfo(e, _ct).Type?.SpecialType == SpecialType.System_Double;

        /// <summary>
        /// The argument list of a call bound to its Real overload: a data array (double[], double[,]) where the overload takes
        /// Real[] or Real[,] is lifted to tape constants (C# converts double to Real, but not arrays); the rest as written (the
        /// expanded arguments of a params array too: the compile check of the lowered code turns a mismatch into PPL0012).
        /// </summary>
        private string OverloadArguments(InvocationExpressionSyntax inv, IMethodSymbol method, IMethodSymbol overload)
        {
            var parts = inv.ArgumentList.Arguments.Select((a, position) =>
            {
                var text = EmitTrimmed(a.Expression);
                var ordinal = a.NameColon != null ? method.Parameters.FirstOrDefault(q => q.Name == a.NameColon.Name.Identifier.ValueText)?.Ordinal ?? -1 : position;
                if (ordinal >= 0 && ordinal < overload.Parameters.Length && !method.Parameters[ordinal].IsParams && !IsRandom(a.Expression) && method.Parameters[ordinal].Type is IArrayTypeSymbol &&
                    RealTypeOf(method.Parameters[ordinal].Type) is { } lifted && overload.Parameters[ordinal].Type.ToDisplayString(ModelBuilder.TypeFormat) == lifted)
                    text = "global::Ppl.Modeling.DifferentiableContext.Lift(" + text + ")";
                return (a.NameColon != null ? a.NameColon.Name.Identifier.ValueText + ": " : "") + text;
            });
            return "(" + string.Join(", ", parts) + ")";
        }

        /// <summary>True for an array creation whose array a random local holds (its initializer or an assignment to that local).</summary>
        private bool FillsRandomArray(ExpressionSyntax creation)
        {
            var e = (SyntaxNode)creation;
            while (e.Parent is ParenthesizedExpressionSyntax) e = e.Parent;
            switch (e.Parent)
            {
                case EqualsValueClauseSyntax eq when eq.Parent is VariableDeclaratorSyntax v:
                    return _model.GetDeclaredSymbol(v, _ct) is { } s && _random.Contains(s);
                case AssignmentExpressionSyntax a when a.Right == e:
                    return Target(a.Left) is { } t && _random.Contains(t) && !(a.Left is ElementAccessExpressionSyntax);
                default:
                    return IsRandom(creation);
            }
        }

        private static string Lead(SyntaxNode n) => n.GetLeadingTrivia().ToFullString();

        private static string Trail(SyntaxNode n) => n.GetTrailingTrivia().ToFullString();

        private string SiteCode(InvocationExpressionSyntax inv, Site s)
        {
            switch (s.Kind)
            {
                case SiteKind.Sample:
                    {
                        var family = Family(inv, s);
                        if (VectorChoiceFamilies.TryGetValue(family, out var choiceType))
                            return (choiceType == "double[,]" ? "__dc.SampleMatrix(" : "__dc.SampleVector(") + Address(s) + ", " + Distribution(s.Args[0]!, family) + ")";
                        if (s.ValueType == "double") return "__dc.Sample(" + Address(s) + ", " + Distribution(s.Args[0]!, family) + ")";
                        return "__dc.SampleDiscrete<" + s.ValueType + ", global::Ppl.Autodiff.Real" + family + ">(" + Address(s) + ", " + Distribution(s.Args[0]!, family) + ")";
                    }
                case SiteKind.Observe:
                    {
                        var family = Family(inv, s);
                        var value = EmitTrimmed(s.Args[1] ?? throw new Unsupported(inv, "an Observe without a value"));
                        if (VectorFamilies.ContainsKey(family) || VectorChoiceFamilies.ContainsKey(family)) return "__dc.ObserveVector(" + Address(s) + ", " + Distribution(s.Args[0]!, family) + ", " + value + ")";
                        if (s.ValueType == "double") return "__dc.Observe(" + Address(s) + ", " + Distribution(s.Args[0]!, family) + ", " + value + ")";
                        return "__dc.ObserveDiscrete<" + s.ValueType + ", global::Ppl.Autodiff.Real" + family + ">(" + Address(s) + ", " + Distribution(s.Args[0]!, family) + ", " + value + ")";
                    }
                case SiteKind.Factor:
                    return "__dc.Factor(" + EmitTrimmed(s.Args[0] ?? throw new Unsupported(inv, "a Factor without a value")) + ")";
                case SiteKind.ModelCall:
                    {
                        var callee = (IMethodSymbol)_model.GetSymbolInfo(inv, _ct).Symbol!;
                        var args = inv.ArgumentList.Arguments.Select(a => EmitTrimmed(a.Expression)).ToList();
                        if (_check) return "__PplStub<" + ReturnTypeOf(callee) + ">(" + string.Join(", ", args) + ")";
                        // The callee's addresses are under the call's; Enter returns the context, so it is the callee's.
                        var target = callee.ContainingType.ToDisplayString(ModelBuilder.TypeFormat) + ".__" + callee.Name + "DifferentiableCall";
                        return "__dc.Exit(" + target + "(" + string.Join(", ", new[] { "__dc.Enter(" + Address(s) + ")" }.Concat(args)) + "))";
                    }
                default:
                    throw new Unsupported(inv, $"a {s.Kind} effect");
            }
        }

        private string Address(Site s)
        {
            if (s.StaticName != null) return "new " + Site + "(" + SymbolDisplay.FormatLiteral(s.StaticName, quote: true) + ")";
            var parts = new List<string>();
            for (var i = s.AddressStart; i < s.AddressStart + s.AddressCount; i++)
                if (s.Args[i] is { } a) parts.Add("(" + a + ")");
            switch (parts.Count)
            {
                case 1: return "new " + Site + "((global::Ppl.Address)" + parts[0] + ")";
                case 2: return "new " + Site + "((global::Ppl.AddressSegment)" + parts[0] + ", (global::Ppl.AddressSegment)" + parts[1] + ")";
                case 3: return "new " + Site + "((global::Ppl.AddressSegment)" + parts[0] + ", (global::Ppl.AddressSegment)" + parts[1] + ", (global::Ppl.AddressSegment)" + parts[2] + ")";
                default: throw new Unsupported(s.Node, "an address the differentiable form cannot rebuild");
            }
        }

        /// <summary>The <c>RealDist</c> counterpart of the distribution written at a site, with its arguments lowered (names kept).</summary>
        private string Distribution(ExpressionSyntax dist, string family)
        {
            var e = Unparen(dist);
            var list = e is InvocationExpressionSyntax call ? call.ArgumentList : ((BaseObjectCreationExpressionSyntax)e).ArgumentList;
            var args = list == null ? new List<string>() : list.Arguments.Select(a =>
            {
                var text = EmitTrimmed(a.Expression);
                // A probability vector given as data (double[]) is lifted to Real[] for RealDist.Categorical.
                if (family == "Categorical" && !IsRandom(a.Expression)) text = "global::Ppl.Modeling.DifferentiableContext.Lift(" + text + ")";
                return (a.NameColon != null ? a.NameColon.Name.Identifier.ValueText + ": " : "") + text;
            }).ToList();
            return "global::Ppl.Autodiff.RealDist." + family + "(" + string.Join(", ", args) + ")";
        }
    }
}
