import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { utcLabel, zonedToUtc } from './time';

/** A date and time typed in the newsroom's time zone, with the UTC instant shown beside it. */
export function ZonedTimeInput({
  label,
  timezone,
  onChange,
}: {
  label: string;
  timezone: string;
  onChange: (d: Date | null) => void;
}) {
  const { t } = useTranslation();
  const utcId = useId();
  const [value, setValue] = useState('');
  const instant = zonedToUtc(value, timezone);
  return (
    <div className="field zoned-time">
      <label>
        {t('editor.workflow.zoned', { label, timezone })}
        <input
          type="datetime-local"
          value={value}
          aria-describedby={utcId}
          onChange={(e) => {
            setValue(e.target.value);
            onChange(zonedToUtc(e.target.value, timezone));
          }}
        />
      </label>
      <output id={utcId}>{instant ? utcLabel(instant) : ''}</output>
    </div>
  );
}
