using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Ppl.Generators.Ir
{
    /// <summary>One source of the data-flow analysis: an effect site, a parameter or a <c>Deterministic</c> call, numbered by <see cref="Id"/>.</summary>
    internal sealed class IrSource
    {
        private IrSource(int id, IrSourceKind kind, IrSite? site, IParameterSymbol? parameter, IInvocationOperation? deterministic)
        {
            Id = id;
            Kind = kind;
            Site = site;
            Parameter = parameter;
            Deterministic = deterministic;
        }

        /// <summary>The number the source sets use for this source.</summary>
        public int Id { get; }

        /// <summary>What the source stands for.</summary>
        public IrSourceKind Kind { get; }

        /// <summary>The site, for <see cref="IrSourceKind.Site"/>.</summary>
        public IrSite? Site { get; }

        /// <summary>The parameter, for <see cref="IrSourceKind.Parameter"/>.</summary>
        public IParameterSymbol? Parameter { get; }

        /// <summary>The call, for <see cref="IrSourceKind.Deterministic"/>.</summary>
        public IInvocationOperation? Deterministic { get; }

        /// <summary>The source of an effect site's value.</summary>
        public static IrSource ForSite(int id, IrSite site) => new IrSource(id, IrSourceKind.Site, site, null, null);

        /// <summary>The source of a parameter's incoming value.</summary>
        public static IrSource ForParameter(int id, IParameterSymbol parameter) => new IrSource(id, IrSourceKind.Parameter, null, parameter, null);

        /// <summary>The source of a <c>Deterministic</c> call's recorded value.</summary>
        public static IrSource ForDeterministic(int id, IInvocationOperation call) => new IrSource(id, IrSourceKind.Deterministic, null, null, call);
    }
}
