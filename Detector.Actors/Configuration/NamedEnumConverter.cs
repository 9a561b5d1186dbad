using System.ComponentModel;
using System.Globalization;

namespace Detector.Configuration;

/// <summary>Lets the configuration binder read and write an enum by its configuration names (<c>dry-run</c>,
/// <c>vhost_combined</c>) rather than its member names; an unknown name fails with the parser's message.</summary>
public abstract class NamedEnumConverter<TEnum>(Func<string, TEnum> parse, Func<TEnum, string> name) : TypeConverter
    where TEnum : struct, Enum
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? parse(text) : base.ConvertFrom(context, culture, value);

    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType) =>
        destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        value is TEnum named && destinationType == typeof(string)
            ? name(named)
            : base.ConvertTo(context, culture, value, destinationType);
}
