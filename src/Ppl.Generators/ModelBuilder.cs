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

namespace Ppl.Generators
{
    /// <summary>The kinds of effect sites in a model body.</summary>
    internal enum SiteKind { Sample, Observe, Factor, Call, ModelCall, Param }

    /// <summary>One effect site found in a model body.</summary>
    internal sealed class Site
    {
        public Site(InvocationExpressionSyntax node, SiteKind kind) { Node = node; Kind = kind; }
        public InvocationExpressionSyntax Node { get; }
        public SiteKind Kind { get; }
        /// <summary>Argument expressions by parameter ordinal (null where defaulted).</summary>
        public ExpressionSyntax?[] Args = Array.Empty<ExpressionSyntax?>();
        /// <summary>Index of the first address argument in <see cref="Args"/>; -1 when the address is inferred.</summary>
        public int AddressStart = -1;
        public int AddressCount;
        public string? StaticName;
        public int Slot = -1;
        public string? FamilyName;
        public string ValueType = "";
        public string DistType = "";
        public string DistName = "";
        public bool Discrete;
        public string ArgsType = "";
        public string RetType = "";
        public string? Callee;
        public string CalleeArgsCode = "";
        /// <summary>The proven family's number (OnceFamilies.cs), or −1.</summary>
        public int OnceFamily = -1;
    }

    /// <summary>Analyses one [Model] method and produces its generated source and diagnostics.</summary>
    internal sealed class ModelBuilder
    {
        /// <summary>How generated code names a type: fully qualified (<c>global::</c>), with nullable annotations; shared by the lowerings.</summary>
        internal static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private const string EffectsType = "Ppl.Modeling.Effects";
        private const string ModelAttributeType = "Ppl.Modeling.ModelAttribute";

        private readonly CancellationToken _ct;
        private readonly SemanticModel _model;
        private readonly IMethodSymbol _method;
        private readonly MethodDeclarationSyntax _syntax;
        private readonly ImmutableArray<DiagInfo>.Builder _diags = ImmutableArray.CreateBuilder<DiagInfo>();
        private readonly List<Site> _sites = new List<Site>();
        private readonly List<string> _staticNames = new List<string>();
        private string? _fallbackReason;
        private Location? _fallbackLocation;

        // True when Param is the only reason for the dynamic tracer: a model with trainable parameters (a guide) has no
        // other path, so PPL0008 and PPL0011 would be warnings nobody can act on, and are not reported.
        private bool _fallbackByParam;
        private bool _failed;

        public ModelBuilder(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
            : this(ctx.SemanticModel, (IMethodSymbol)ctx.TargetSymbol, (MethodDeclarationSyntax)ctx.TargetNode, ct)
        {
        }

        /// <summary>A builder for one method outside a generator run (the IR's tests build models this way).</summary>
        internal ModelBuilder(SemanticModel model, IMethodSymbol method, MethodDeclarationSyntax syntax, CancellationToken ct)
        {
            _ct = ct;
            _model = model;
            _method = method;
            _syntax = syntax;
        }

        /// <summary>
        /// The IR of the model exactly as <see cref="Build"/> makes it (sites found, named and numbered the same way), or
        /// null when the method is no model the generator can handle; for tests of the IR itself.
        /// </summary>
        internal ModelIr? BuildIr()
        {
            var bodyNode = (SyntaxNode?)_syntax.Body ?? _syntax.ExpressionBody?.Expression;
            if (SignatureProblem(bodyNode) != null) return null;
            FindSites(bodyNode!);
            Analyse(bodyNode!);
            return _failed ? null : ModelIr.Build(_model, _method, _syntax, _sites, _ct);
        }

        /// <summary>The number of static slots <see cref="BuildIr"/> found (the dependency table's rows).</summary>
        internal int StaticSlots => _staticNames.Count;

        private string ModelName
        {
            get
            {
                foreach (var a in _method.GetAttributes())
                    if (a.AttributeClass?.ToDisplayString() == ModelAttributeType)
                        foreach (var n in a.NamedArguments)
                            if (n.Key == "Name" && n.Value.Value is string s && s.Length > 0) return s;
                return _method.Name;
            }
        }

        private void Report(string id, Location location, params string[] args) => _diags.Add(DiagInfo.Create(id, location, args));

        public ModelData Build()
        {
            var bodyNode = (SyntaxNode?)_syntax.Body ?? _syntax.ExpressionBody?.Expression;
            var problem = SignatureProblem(bodyNode);
            if (problem != null)
            {
                Report("PPL0005", _syntax.Identifier.GetLocation(), _method.Name, problem);
                return Output(null);
            }
            // A body that does not compile gets no generated code: the compiler's own errors say what is wrong,
            // except for a use of a name this generator produces, which the final compilation has (GeneratedNameUse).
            var errors = _model.GetDiagnostics(bodyNode!.Span, _ct).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                if (GeneratedNameUse.Find(_model, errors, _ct) is { } use)
                    Report("PPL0005", use.Location, _method.Name, $"its body uses '{use.Name}', which the generator itself produces and cannot see while it runs; " +
                        "call the model by name to trace it as a sub-model, or keep its generative function in a static field and Call that");
                return Output(null);
            }

            if (ReservedDeclaration(bodyNode) is { } reserved)
            {
                Report("PPL0005", reserved.GetLocation(), _method.Name,
                    $"it declares '{reserved.ValueText}', and names starting with '__' are reserved for the code the generator writes (its handler '__h', tracer '__t', …); rename it");
                return Output(null);
            }

            FindSites(bodyNode);
            Analyse(bodyNode);
            if (_failed) return Output(null);
            if (_fallbackReason != null && !_fallbackByParam)
                Report("PPL0008", _fallbackLocation ?? _syntax.Identifier.GetLocation(), ModelName, _fallbackReason);
            if (Specialised) OnceFamilies.Prove(_model, bodyNode, _sites, _ct);
            var resumable = Specialised ? ResumableLowering.Lower(_model, _method, bodyNode, _sites.Select(s => (s.Node, s.Kind)), _ct) : default;
            if (resumable.Data?.Reason is { } notLowered)
                Report("PPL0010", resumable.Where ?? _syntax.Identifier.GetLocation(), ModelName, notLowered);
            // The IR of the body (Ir/ModelIr.cs): one data-flow fixed point, which the dependency table and both
            // lowerings below query instead of running analyses of their own. A model the dynamic tracer runs gets
            // neither a table nor lowered forms, so its IR is not built.
            var ir = Specialised ? ModelIr.Build(_model, _method, _syntax, _sites, _ct) : ModelIr.NotBuilt(_method);
            var data = Extract(bodyNode, ir) with { Resumable = resumable.Data, StraightLine = Specialised ? StraightLine(bodyNode) : null };
            // The batched (tensor) form, or PPL0011 saying why there is none (BatchedLowering.cs).
            data = BatchedLowering.Attach(data, _model, _method, bodyNode, _sites, ir, _fallbackReason != null, _ct, quiet: _fallbackByParam);
            // The differentiable form (exact gradients), or PPL0012 saying why there is none (DifferentiableLowering.cs).
            return DifferentiableLowering.Attach(data, _model, _method, bodyNode, _sites, ir, _ct);
        }

        /// <summary>The straight-line form (StraightLineLowering.cs), or null; a failure of the analysis only costs the model that form.</summary>
        private StraightLineData? StraightLine(SyntaxNode bodyNode)
        {
            try
            {
                return StraightLineLowering.Lower(_model, bodyNode, _sites, _ct);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                return null;
            }
        }

        /// <summary>
        /// The first name the model declares (a parameter, local, lambda or local-function parameter, pattern or
        /// out variable, loop variable, local function, label) that starts with <c>__</c>: the generated bodies
        /// declare such names themselves (<c>__h</c>, <c>__t</c>, <c>__bt</c>, the straight-line locals), and a
        /// clash would surface as a compiler error in generated code the user never wrote.
        /// </summary>
        private SyntaxToken? ReservedDeclaration(SyntaxNode bodyNode)
        {
            static bool Reserved(SyntaxToken t) => t.ValueText.StartsWith("__", StringComparison.Ordinal);
            foreach (var p in _syntax.ParameterList.Parameters)
                if (Reserved(p.Identifier)) return p.Identifier;
            foreach (var n in bodyNode.DescendantNodesAndSelf())
            {
                var t = n switch
                {
                    VariableDeclaratorSyntax v => v.Identifier,
                    ParameterSyntax p => p.Identifier,
                    SingleVariableDesignationSyntax d => d.Identifier,
                    ForEachStatementSyntax f => f.Identifier,
                    CatchDeclarationSyntax c => c.Identifier,
                    LocalFunctionStatementSyntax l => l.Identifier,
                    LabeledStatementSyntax l => l.Identifier,
                    _ => default,
                };
                if (Reserved(t)) return t;
            }
            return null;
        }

        private ModelData Output(string? source) => ModelData.DiagnosticsOnly(_diags.ToImmutable());

        /// <summary>The analysis as plain data: names, type strings, and text spans relative to the body.</summary>
        private ModelData Extract(SyntaxNode bodyNode, ModelIr ir)
        {
            var bodyStart = bodyNode.SpanStart;
            SpanData Rel(SyntaxNode? n) => n == null ? new SpanData(-1, 0) : new SpanData(n.SpanStart - bodyStart, n.Span.Length);
            var root = (CompilationUnitSyntax)_syntax.SyntaxTree.GetRoot(_ct);
            var ns = _method.ContainingType.ContainingNamespace;
            var types = new List<TypeData>();
            for (var t = _method.ContainingType; t != null; t = t.ContainingType) types.Insert(0, new TypeData(t.Name, t.IsStatic));
            var sites = _sites.Select(s => new SiteData(
                s.Kind, Rel(s.Node), s.Args.Select(a => Rel(a)).ToEquatableArray(), s.AddressStart, s.AddressCount, s.StaticName, s.Slot,
                s.FamilyName, s.ValueType, s.DistType, s.DistName, s.Discrete, s.ArgsType, s.RetType, s.Callee,
                s.StaticName ?? s.FamilyName ?? s.Args.ElementAtOrDefault(Math.Max(s.AddressStart, 0))?.ToString() ?? "?") { OnceFamily = s.OnceFamily });
            return new ModelData(
                HintName(),
                _method.ToDisplayString(),
                root.Usings.Where(u => !u.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword)).Select(u => u.ToString()).ToEquatableArray(),
                ns.IsGlobalNamespace ? null : ns.ToDisplayString(),
                _syntax.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse().SelectMany(d => d.Usings).Select(u => u.ToString()).ToEquatableArray(),
                types.ToEquatableArray(),
                _method.Name,
                Access,
                ModelName,
                ArgsType(_method),
                Type(_method.ReturnType),
                _method.Parameters.Select(p => new ParamData(Type(p.Type), p.Name)).ToEquatableArray(),
                Specialised,
                _staticNames.ToEquatableArray(),
                sites.ToEquatableArray(),
                bodyNode.ToString(),
                bodyNode is ExpressionSyntax,
                _diags.ToEquatableArray())
            {
                Dependencies = Specialised ? DependencyAnalysis.FromIr(ir, _staticNames.Count) : null,
            };
        }

        private string Access => _method.DeclaredAccessibility switch
        {
            Accessibility.Public => "public",
            Accessibility.Internal => "internal",
            Accessibility.Protected => "protected",
            Accessibility.ProtectedOrInternal => "protected internal",
            Accessibility.ProtectedAndInternal => "private protected",
            _ => "private",
        };

        private string HintName()
        {
            var t = _method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "");
            var clean = new string(t.Select(c => char.IsLetterOrDigit(c) || c == '.' ? c : '_').ToArray());
            return clean + "." + _method.Name + ".Model.g.cs";
        }

        // ------------------------------------------------------------------ signature

        private string? SignatureProblem(SyntaxNode? body)
        {
            if (!_method.IsStatic) return "it must be static";
            if (_method.IsGenericMethod) return "generic models are not supported";
            if (_method.ReturnsVoid) return "it must return a value";
            if (_method.IsAsync) return "async models are not supported";
            if (_method.ReturnsByRef || _method.ReturnsByRefReadonly) return "ref returns are not supported";
            if (_method.Parameters.Any(p => p.RefKind != RefKind.None || p.IsParams)) return "ref, out, in and params parameters are not supported";
            if (body == null) return "it has no body";
            if (body.DescendantNodesAndSelf().Any(n => n is YieldStatementSyntax)) return "iterators are not supported";
            for (var t = _method.ContainingType; t != null; t = t.ContainingType)
            {
                if (t.TypeKind != TypeKind.Class || t.IsRecord) return $"the containing type '{t.Name}' must be a class";
                if (t.IsGenericType) return $"the containing class '{t.Name}' must not be generic";
                var partial = t.DeclaringSyntaxReferences.Any(r => r.GetSyntax(_ct) is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!partial) return $"the containing class '{t.Name}' must be partial";
            }
            if (_method.ContainingType.GetMembers(_method.Name).OfType<IMethodSymbol>().Count(m => m.GetAttributes().Any(IsModelAttribute)) > 1)
                return "overloaded models are not supported";
            return null;
        }

        private static bool IsModelAttribute(AttributeData a) => a.AttributeClass?.ToDisplayString() == ModelAttributeType;

        // ------------------------------------------------------------------ sites

        private void FindSites(SyntaxNode body)
        {
            foreach (var node in body.DescendantNodesAndSelf())
            {
                _ct.ThrowIfCancellationRequested();
                if (node is IdentifierNameSyntax id && !(id.Parent is InvocationExpressionSyntax) &&
                    !(id.Parent is MemberAccessExpressionSyntax ma && ma.Name == id && ma.Parent is InvocationExpressionSyntax))
                {
                    var s = _model.GetSymbolInfo(id, _ct);
                    var m = (s.Symbol ?? s.CandidateSymbols.FirstOrDefault()) as IMethodSymbol;
                    // Not a fallback: the dynamic body would still call the marker method, which throws when run.
                    if (m != null && (IsEffect(m) || IsModel(m)))
                    {
                        Report("PPL0005", id.GetLocation(), _method.Name,
                            $"'{id.Identifier.ValueText}' is used as a method group, which cannot be traced (no call to rewrite, no address); call it directly");
                        _failed = true;
                        return;
                    }
                    continue;
                }
                if (!(node is InvocationExpressionSyntax inv)) continue;
                if (!(_model.GetSymbolInfo(inv, _ct).Symbol is IMethodSymbol sym)) continue;
                SiteKind kind;
                if (IsEffect(sym))
                {
                    switch (sym.Name)
                    {
                        case "Sample": kind = SiteKind.Sample; break;
                        case "Observe": kind = SiteKind.Observe; break;
                        case "Factor": kind = SiteKind.Factor; break;
                        case "Call": kind = SiteKind.Call; break;
                        case "Param": kind = SiteKind.Param; break;
                        default: continue;
                    }
                }
                else if (IsModel(sym)) kind = SiteKind.ModelCall;
                else continue;
                if (kind != SiteKind.ModelCall && NamedOutOfOrder(inv, sym) is { } moved)
                {
                    // The rewritten call passes the arguments in parameter order, so their evaluation order would change.
                    Report("PPL0005", moved.GetLocation(), _method.Name,
                        $"the arguments of '{sym.Name}' are named out of order: C# evaluates them as written, the generated code in parameter order; write them in parameter order");
                    _failed = true;
                    return;
                }
                var site = new Site(inv, kind);
                site.Args = MapArguments(inv, sym);
                _sites.Add(site);
                if (kind == SiteKind.Param)
                    Fallback("Param (trainable parameters need the dynamic tracer's autograd path)", inv.GetLocation(), param: true);
                if (InsideClosure(inv, body))
                    Fallback("an effect inside a lambda, local function or query (the handler is a ref struct parameter and cannot be captured)", inv.GetLocation());
                ClassifyAddress(site, sym);
                if (_failed) return;
            }
        }

        private static bool IsEffect(IMethodSymbol m) => m.ContainingType?.ToDisplayString() == EffectsType;

        private static bool IsModel(IMethodSymbol m) => m.IsStatic && (m.OriginalDefinition ?? m).GetAttributes().Any(IsModelAttribute);

        /// <summary>
        /// Records why the model runs through the dynamic tracer (the first reason, but one the user can act on before
        /// <c>Param</c>, which has no other path).
        /// </summary>
        private void Fallback(string reason, Location location, bool param = false)
        {
            if (_fallbackReason != null && (param || !_fallbackByParam)) return;
            _fallbackReason = reason;
            _fallbackLocation = location;
            _fallbackByParam = param;
        }

        private static bool InsideClosure(SyntaxNode node, SyntaxNode body)
        {
            for (var n = node.Parent; n != null && n != body; n = n.Parent)
                if (n is AnonymousFunctionExpressionSyntax || n is LocalFunctionStatementSyntax || n is QueryExpressionSyntax) return true;
            return false;
        }

        /// <summary>The first argument whose name puts it before an argument written ahead of it, or null.</summary>
        private static ArgumentSyntax? NamedOutOfOrder(InvocationExpressionSyntax inv, IMethodSymbol sym)
        {
            var last = -1;
            for (var i = 0; i < inv.ArgumentList.Arguments.Count; i++)
            {
                var a = inv.ArgumentList.Arguments[i];
                var ordinal = a.NameColon == null ? i : sym.Parameters.FirstOrDefault(q => q.Name == a.NameColon.Name.Identifier.ValueText)?.Ordinal ?? i;
                if (ordinal < last) return a;
                last = ordinal;
            }
            return null;
        }

        private static ExpressionSyntax?[] MapArguments(InvocationExpressionSyntax inv, IMethodSymbol sym)
        {
            var result = new ExpressionSyntax?[sym.Parameters.Length];
            var args = inv.ArgumentList.Arguments;
            for (var i = 0; i < args.Count; i++)
            {
                var a = args[i];
                var ordinal = i;
                if (a.NameColon != null)
                {
                    var p = sym.Parameters.FirstOrDefault(q => q.Name == a.NameColon.Name.Identifier.ValueText);
                    if (p == null) continue;
                    ordinal = p.Ordinal;
                }
                if (ordinal < result.Length) result[ordinal] = a.Expression;
            }
            return result;
        }

        private string Type(ITypeSymbol t) => t.ToDisplayString(TypeFormat);

        private void ClassifyAddress(Site site, IMethodSymbol sym)
        {
            var n = sym.Parameters.Length;
            switch (site.Kind)
            {
                case SiteKind.Sample:
                    site.AddressStart = n == 1 ? -1 : 1;
                    site.AddressCount = n - 1;
                    site.ValueType = Type(sym.TypeArguments[0]);
                    SetDistribution(site, site.Args[0], sym.TypeArguments[0]);
                    break;
                case SiteKind.Observe:
                    site.AddressStart = 2;
                    site.AddressCount = n - 2;
                    site.ValueType = Type(sym.TypeArguments[0]);
                    SetDistribution(site, site.Args[0], sym.TypeArguments[0]);
                    break;
                case SiteKind.Call:
                    site.AddressStart = n == 2 ? -1 : 2;
                    site.AddressCount = n - 2;
                    site.ArgsType = Type(sym.TypeArguments[0]);
                    site.RetType = Type(sym.TypeArguments[1]);
                    site.DistName = site.Args[0] is { } f && _model.GetTypeInfo(f, _ct).Type is { } ft ? ft.Name : "generative function";
                    break;
                case SiteKind.ModelCall:
                    site.AddressStart = -1;
                    site.ArgsType = ArgsType(sym);
                    site.RetType = Type(sym.ReturnType);
                    site.Callee = Type(sym.ContainingType) + "." + sym.Name + "Model";
                    site.DistName = sym.Name;
                    if (sym.Parameters.Length != site.Node.ArgumentList.Arguments.Count || site.Node.ArgumentList.Arguments.Any(a => a.NameColon != null || !a.RefKindKeyword.IsKind(SyntaxKind.None)))
                    {
                        Report("PPL0005", site.Node.GetLocation(), _method.Name, $"the call to model '{sym.Name}' must pass every argument by position");
                        _failed = true;
                    }
                    break;
                default:
                    return;
            }

            if (site.AddressStart < 0)
            {
                var name = InferName(site.Node);
                if (name == null)
                {
                    Report("PPL0007", site.Node.GetLocation(), site.Kind == SiteKind.ModelCall ? site.DistName : site.Kind.ToString());
                    _failed = true;
                    return;
                }
                SetStatic(site, name);
                return;
            }
            var first = site.Args[site.AddressStart];
            if (first == null) { _failed = true; return; }
            var constant = _model.GetConstantValue(first, _ct);
            var text = constant.HasValue ? constant.Value as string : null;
            if (site.AddressCount == 1 && text != null && text.Length > 0 && text.IndexOf('/') < 0)
            {
                SetStatic(site, text);
                return;
            }
            if (site.AddressCount > 1 && text != null && text.Length > 0 && text.IndexOf('/') < 0) site.FamilyName = text;
        }

        private void SetStatic(Site site, string name)
        {
            site.StaticName = name;
            var slot = _staticNames.IndexOf(name);
            if (slot < 0)
            {
                slot = _staticNames.Count;
                _staticNames.Add(name);
            }
            site.Slot = slot;
        }

        private void SetDistribution(Site site, ExpressionSyntax? dist, ITypeSymbol valueType)
        {
            var t = dist == null ? null : _model.GetTypeInfo(dist, _ct).Type;
            if (t == null || t.TypeKind == TypeKind.Error)
            {
                _failed = true;
                return;
            }
            site.DistType = Type(t);
            site.DistName = t.Name;
            site.Discrete = valueType.SpecialType == SpecialType.System_Int32 || valueType.SpecialType == SpecialType.System_Int64 || valueType.SpecialType == SpecialType.System_Boolean;
        }

        private static string? InferName(InvocationExpressionSyntax inv)
        {
            SyntaxNode n = inv;
            while (n.Parent is ParenthesizedExpressionSyntax) n = n.Parent;
            if (n.Parent is EqualsValueClauseSyntax ev && ev.Parent is VariableDeclaratorSyntax vd) return vd.Identifier.ValueText == "_" ? null : vd.Identifier.ValueText;
            if (n.Parent is AssignmentExpressionSyntax a && a.IsKind(SyntaxKind.SimpleAssignmentExpression) && a.Right == n && a.Left is IdentifierNameSyntax id && id.Identifier.ValueText != "_")
                return id.Identifier.ValueText;
            return null;
        }

        internal string ArgsType(IMethodSymbol m)
        {
            if (m.Parameters.Length == 0) return "global::Ppl.Unit";
            if (m.Parameters.Length == 1) return Type(m.Parameters[0].Type);
            return "(" + string.Join(", ", m.Parameters.Select(p => Type(p.Type) + " " + p.Name)) + ")";
        }

        // ------------------------------------------------------------------ analyzers (PPL0001–PPL0004, PPL0006)

        private void Analyse(SyntaxNode body)
        {
            // PPL0001 and PPL0002: static addresses used twice on one path, or inside a loop.
            var reported = new HashSet<InvocationExpressionSyntax>();
            foreach (var site in _sites)
            {
                if (site.Kind == SiteKind.Factor || site.Kind == SiteKind.Param) continue;
                var loops = EnclosingLoops(site.Node, body);
                if (site.StaticName != null)
                {
                    if (loops.Count > 0)
                    {
                        Report("PPL0002", site.Node.GetLocation(), site.StaticName);
                        reported.Add(site.Node);
                    }
                }
                else if (site.AddressStart >= 0)
                {
                    var used = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                    for (var i = site.AddressStart; i < site.AddressStart + site.AddressCount; i++)
                        if (site.Args[i] is { } e)
                            foreach (var id in e.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                                if (_model.GetSymbolInfo(id, _ct).Symbol is { } s) used.Add(s);
                    foreach (var loop in loops)
                        if (!DependsOnLoop(loop, used))
                        {
                            Report("PPL0002", site.Node.GetLocation(), site.FamilyName ?? site.Args[site.AddressStart]?.ToString() ?? "?");
                            break;
                        }
                }
            }
            for (var i = 0; i < _sites.Count; i++)
                for (var j = 0; j < i; j++)
                {
                    var a = _sites[j];
                    var b = _sites[i];
                    if (a.StaticName == null || a.StaticName != b.StaticName || reported.Contains(b.Node)) continue;
                    if (MutuallyExclusive(a.Node, b.Node)) continue;
                    Report("PPL0001", b.Node.GetLocation(), b.StaticName!, ModelName);
                    reported.Add(b.Node);
                }

            foreach (var node in body.DescendantNodesAndSelf())
            {
                _ct.ThrowIfCancellationRequested();
                switch (node)
                {
                    case ObjectCreationExpressionSyntax oc when _model.GetTypeInfo(oc, _ct).Type is INamedTypeSymbol created && DerivesFromRandom(created):
                        Report("PPL0003", oc.GetLocation(), oc.ToString(), ModelName);
                        break;
                    case MemberAccessExpressionSyntax ma when IsUntracedMember(_model.GetSymbolInfo(ma, _ct).Symbol):
                        Report("PPL0003", ma.GetLocation(), ma.ToString(), ModelName);
                        break;
                    case InvocationExpressionSyntax inv when inv.Parent is ExpressionStatementSyntax && _sites.Any(s => s.Node == inv && s.Kind == SiteKind.Sample):
                        Report("PPL0004", inv.GetLocation());
                        break;
                }
                if (node is InvocationExpressionSyntax || node is ObjectCreationExpressionSyntax || node is ImplicitObjectCreationExpressionSyntax)
                    CheckDomains(node);
            }
        }

        private static List<StatementSyntax> EnclosingLoops(SyntaxNode node, SyntaxNode body)
        {
            var loops = new List<StatementSyntax>();
            for (var n = node.Parent; n != null && n != body; n = n.Parent)
            {
                if (n is AnonymousFunctionExpressionSyntax || n is LocalFunctionStatementSyntax) break;
                if (n is ForStatementSyntax || n is ForEachStatementSyntax || n is WhileStatementSyntax || n is DoStatementSyntax) loops.Add((StatementSyntax)n);
            }
            return loops;
        }

        private bool DependsOnLoop(StatementSyntax loop, HashSet<ISymbol> used)
        {
            var vars = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            if (loop is ForEachStatementSyntax fe && _model.GetDeclaredSymbol(fe, _ct) is { } iv) vars.Add(iv);
            if (loop is ForStatementSyntax fs && fs.Declaration != null)
                foreach (var v in fs.Declaration.Variables)
                    if (_model.GetDeclaredSymbol(v, _ct) is { } s) vars.Add(s);
            try
            {
                var flow = _model.AnalyzeDataFlow(loop);
                if (flow != null && flow.Succeeded)
                    foreach (var s in flow.WrittenInside) vars.Add(s);
            }
            catch (ArgumentException)
            {
                // Data flow is unavailable for some statements; the declared loop variables still count.
            }
            return used.Any(vars.Contains);
        }

        private static bool MutuallyExclusive(SyntaxNode a, SyntaxNode b)
        {
            var ancestorsA = new HashSet<SyntaxNode>(a.Ancestors());
            var common = b.Ancestors().FirstOrDefault(ancestorsA.Contains);
            if (common == null) return false;
            return OnBranch(a, common) || OnBranch(b, common);
        }

        private static bool OnBranch(SyntaxNode node, SyntaxNode common)
        {
            for (var n = node; n != null && n != common; n = n.Parent)
            {
                var p = n.Parent;
                if (p is IfStatementSyntax ifs && (n == ifs.Statement || n == ifs.Else)) return true;
                if (p is ElseClauseSyntax || p is SwitchSectionSyntax || p is SwitchExpressionArmSyntax) return true;
                if (p is ConditionalExpressionSyntax ce && (n == ce.WhenTrue || n == ce.WhenFalse)) return true;
                if (p == common && (p is IfStatementSyntax || p is ConditionalExpressionSyntax || p is SwitchStatementSyntax)) return true;
            }
            return false;
        }

        private static bool DerivesFromRandom(INamedTypeSymbol t)
        {
            for (var b = t; b != null; b = b.BaseType)
                if (b.ToDisplayString() == "System.Random") return true;
            return false;
        }

        private static bool IsUntracedMember(ISymbol? s)
        {
            if (s == null) return false;
            var owner = s.ContainingType?.ToDisplayString();
            switch (owner)
            {
                case "System.Random": return s.Name == "Shared";
                case "System.Guid": return s.Name == "NewGuid";
                case "System.DateTime":
                case "System.DateTimeOffset": return s.Name == "Now" || s.Name == "UtcNow" || s.Name == "Today";
                case "System.Environment": return s.Name == "TickCount" || s.Name == "TickCount64";
                case "System.Diagnostics.Stopwatch": return s.Name == "GetTimestamp" || s.Name == "StartNew";
                default: return false;
            }
        }

        /// <summary>PPL0006: constant parameters of Ppl's distribution factories and constructors outside their domain.</summary>
        private void CheckDomains(SyntaxNode node)
        {
            if (!(_model.GetSymbolInfo(node, _ct).Symbol is IMethodSymbol m)) return;
            var owner = m.MethodKind == MethodKind.Constructor ? m.ContainingType : m.ContainingType;
            var ns = owner?.ContainingNamespace?.ToDisplayString();
            var isFactory = m.MethodKind != MethodKind.Constructor && owner?.ToDisplayString() == "Ppl.Dist";
            var isCtor = m.MethodKind == MethodKind.Constructor && ns == "Ppl.Distributions";
            if (!isFactory && !isCtor) return;
            var family = isFactory ? m.Name : owner!.Name;
            ArgumentListSyntax? list = node is InvocationExpressionSyntax i ? i.ArgumentList : (node as BaseObjectCreationExpressionSyntax)?.ArgumentList;
            if (list == null) return;
            var args = list.Arguments;
            for (var k = 0; k < args.Count && k < m.Parameters.Length; k++)
            {
                var p = args[k].NameColon != null ? m.Parameters.FirstOrDefault(q => q.Name == args[k].NameColon!.Name.Identifier.ValueText) : m.Parameters[k];
                if (p == null) continue;
                var c = _model.GetConstantValue(args[k].Expression, _ct);
                if (!c.HasValue || c.Value == null) continue;
                double v;
                try { v = Convert.ToDouble(c.Value, System.Globalization.CultureInfo.InvariantCulture); }
                catch (Exception) { continue; }
                string? domain = null;
                switch (p.Name)
                {
                    case "sigma": case "scale": case "shape": case "alpha": case "beta": case "nu":
                        if (!(v > 0) || double.IsInfinity(v)) domain = "must be positive and finite";
                        break;
                    case "rate":
                        if (family == "Poisson" ? !(v >= 0) : !(v > 0)) domain = family == "Poisson" ? "must be non-negative" : "must be positive";
                        break;
                    case "p":
                        if (!(v >= 0 && v <= 1)) domain = "must be in [0, 1]";
                        break;
                }
                if (domain != null)
                    Report("PPL0006", args[k].GetLocation(), p.Name, family, args[k].Expression.ToString(), domain);
            }
        }

        private bool Specialised => _fallbackReason == null;
    }
}
